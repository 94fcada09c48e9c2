struct SMSVerifyView: Encodable {
    let csrf: String
    let action: String
    let phone: String
    let maskedPhone: String
    let error: String?
    let loginHref: String
    let outboxHref: String?
}
