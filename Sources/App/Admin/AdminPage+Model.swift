struct AdminView: Encodable {
    struct UserRow: Encodable {
        let name: String
        let contact: String
        let isAdmin: Bool
        let joined: String
    }
    struct OrganizationRow: Encodable {
        let name: String
        let plan: String
        let isSuspended: Bool
        let action: String
    }
    let search: String
    let searchAction: String
    let csrf: String
    /// The marketplace moderation queue, `/admin/templates`.
    let templatesHref: String
    let users: [UserRow]
    let organizations: [OrganizationRow]
}
