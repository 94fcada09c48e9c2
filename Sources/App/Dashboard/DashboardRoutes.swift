import Vapor

/// The signed-in overview.
struct DashboardRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(accounts).grouped(SignInRequired.redirect(returningTo: .dashboard))
            .get(.dashboard, use: DashboardController.overview)
    }
}
