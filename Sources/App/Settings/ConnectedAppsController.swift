import Fluent
import Foundation
import Vapor

/// Settings → Connected apps: revoking a client's access.
enum ConnectedAppsController {
    /// Revokes a grant and every token issued under it.
    static func revoke(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        try await req.oauthTokens().revoke(grant: req.parameter(.grant, as: UUID.self), of: current, audit: req.auditLog())
        return req.redirect(to: SiteRoute.settings.path(fragment: "apps-title"), redirectType: .normal)
    }
}
