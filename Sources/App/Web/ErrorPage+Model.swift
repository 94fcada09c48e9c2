struct NotFoundView: Encodable {
    let suggestions: [Link]
}

struct ErrorView: Encodable {
    let status: Int
    let heading: String
    let message: String
    let requestID: String?
    /// The way forward when there is one ("Sign in again"), shown before the way home.
    var nextLabel: String? = nil
    var nextHref: String? = nil
    /// Sign-in from a page that must stay open (it holds a form to send again).
    var nextOpensNewTab = false
    /// A refused form shown back to be sent again.
    var unsent: UnsentForm? = nil
    /// The workspace that has what was asked for, to switch to.
    var switchTo: WorkspaceSwitch? = nil
}

/// The form that switches this browser to another of the person's workspaces and opens a page there.
struct WorkspaceSwitch: Encodable {
    let action: String
    let csrf: String
    let organization: String
    let next: String
    let label: String

    init(_ elsewhere: ServerInOtherWorkspace, csrf: String) {
        action = SiteRoute.settingsAction(.switchWorkspace).path
        self.csrf = csrf
        organization = elsewhere.workspaceID.uuidString.lowercased()
        next = elsewhere.path
        label = "Switch to “\(elsewhere.workspaceName)” and open it"
    }
}
