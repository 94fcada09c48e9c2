import Vapor

/// The platform administrators' page (hidden from everyone else) and each
/// workspace's audit log, as a page and as `/v1/audit`.
struct AdminRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        let admin = routes.grouped(AdminRequired())
        admin.get(.admin, use: AdminController.page)
        admin.get(.adminAudit, use: AuditPageController.platformPage)
        admin.post(.adminOrganization(.key, .suspend), use: AdminController.suspend)
        admin.post(.adminOrganization(.key, .unsuspend), use: AdminController.unsuspend)
        admin.post(.adminOrganization(.key, .plan), use: AdminController.setPlan)

        routes.grouped(SignInRequired.redirect(returningTo: .audit)).get(.audit, use: AuditPageController.page)
        routes.grouped(SignInRequired.unauthorized).get(.api(.audit), use: AuditAPIController.list)
    }
}
