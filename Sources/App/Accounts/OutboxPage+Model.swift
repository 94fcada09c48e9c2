struct OutboxView: Encodable {
    struct Message: Encodable {
        let channel: String
        let recipient: String
        let subject: String?
        let body: String
        let createdAt: String
        /// The first http(s) link in the body, if any.
        let link: String?
    }
    let messages: [Message]
    let jsonHref: String
}
