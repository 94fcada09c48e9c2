import Vapor

/// A suspended organization keeps read access, but every change answers 403
/// `org_suspended` — except signing out and deleting one's own account, which
/// must stay possible whatever an administrator decided.
struct SuspensionGuard: AsyncMiddleware {
    static let allowed: Set<String> = [
        SiteRoute.logout.path, SiteRoute.api(.logout).path, SiteRoute.api(.account).path, SiteRoute.settingsAction(.deleteAccount).path,
    ]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method),
           let current = request.currentUser, current.organization.suspendedAt != nil,
           !Self.allowed.contains(request.url.path) {
            throw APIError(.forbidden, "org_suspended", "This workspace is suspended: you can read everything, but not change anything. Contact support.")
        }
        return try await next.respond(to: request)
    }
}
