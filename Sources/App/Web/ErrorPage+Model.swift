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
}
