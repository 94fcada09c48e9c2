import Vapor

/// A build's live log: server-sent events, and a WebSocket for browsers that can.
struct BuildRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped(accounts).grouped(SignInRequired.unauthorized)
        api.get(.api(.buildLog(server: .key, build: .key)), use: BuildLogController.stream)
        api.get(.api(.buildLogSocket(server: .key, build: .key)), use: BuildLogController.openSocket)
    }
}
