struct NotFoundView: Encodable {
    let suggestions: [Link]
}

struct ErrorView: Encodable {
    let status: Int
    let heading: String
    let message: String
    let requestID: String?
}
