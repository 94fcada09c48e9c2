import Vapor

extension Request {
    /// The page for a link or form that could not be used (an expired sign-in link, an invitation for someone else, an
    /// email change already confirmed): the error's status and words, unlisted and never cached.
    func refusalPage(_ error: APIError, heading: String, title: String, next: (label: String, href: String)? = nil) async throws -> Response {
        let view = ErrorView(status: Int(error.status.code), heading: heading, message: error.reason, requestID: nil,
                             nextLabel: next?.label, nextHref: next?.href)
        let meta = site.unlistedMeta(title: title, description: error.reason)
        return try await renderHTML("error", Page(layout: site.layout(meta, current: nil), page: view), status: error.status).noStore().carrying(error)
    }
}
