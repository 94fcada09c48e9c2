struct CheckEmailView: Encodable {
    let maskedEmail: String
    let loginHref: String
    let outboxHref: String?
}
