import Vapor

/// A suspended organization keeps read access, but every change answers 403
/// `org_suspended`, except what belongs to the person rather than the workspace, which
/// must stay possible whatever an administrator decided: signing out (here, in another browser or in
/// every other one), the profile and sign-in email, deleting one's own account, and moving on (switching
/// to another workspace, leaving this one, accepting an invitation to another), and stopping payment (cancelling
/// the subscription, or the Billing Portal): a suspended workspace must not go on being charged with no way out.
/// An administrator's actions on the admin pages are the platform's, not the workspace's: an administrator whose
/// own workspace is suspended can still lift that suspension (it locked every administrator out who was in one).
struct SuspensionGuard: AsyncMiddleware {
    /// Route patterns (`settings/tokens/:token/revoke`), as the router matched them.
    static let allowed: Set<String> = Set(([
        .logout, .api(.logout), .api(.account), .settingsAction(.deleteAccount), .settingsAction(.endOtherSessions), .settingsAction(.endSession(.key)),
        .settingsAction(.profile), .api(.accountProfile), .settingsAction(.changeEmail), .settingsAction(.confirmEmail),
        .settingsAction(.switchWorkspace), .settingsAction(.leaveWorkspace), .invitation,
        .billing(.cancel), .billing(.portal), .api(.billingCancel), .api(.billingPortal),
        // Answers the app for a suspended workspace itself (access_denied at its redirect URI), granting nothing.
        .oauth(.authorize),
    ] as [SiteRoute]).map(\.pathComponents.string))

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method),
           let current = request.currentUser, current.organization.suspendedAt != nil,
           !Self.allowed.contains(request.route?.path.string ?? ""),
           !(current.user.isAdmin && request.route?.path.first == .constant("admin")) {
            throw APIError(.forbidden, "org_suspended", "This workspace is suspended: you can read everything, but not change anything. Contact support.")
        }
        return try await next.respond(to: request)
    }
}
