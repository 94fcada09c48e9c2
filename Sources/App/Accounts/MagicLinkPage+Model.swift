struct MagicLinkView: Encodable {
    let csrf: String
    let action: String
    let token: String
    let loginHref: String
}
