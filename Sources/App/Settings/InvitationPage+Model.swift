struct InvitationView: Encodable {
    let csrf: String
    let action: String
    let token: String
    let organizationName: String
    let email: String
    /// Who sent it: display name and verified address; nil when that account is gone.
    let inviter: String?
    /// What joining makes them: "an owner (who manages members and settings)" or "a member".
    let roleLabel: String
}
