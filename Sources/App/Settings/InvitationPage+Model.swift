struct InvitationView: Encodable {
    let csrf: String
    let action: String
    let token: String
    let organizationName: String
    let email: String
}
