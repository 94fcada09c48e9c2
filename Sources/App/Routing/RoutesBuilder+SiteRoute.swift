import Vapor

extension SiteRoute {
    /// The route's path as Vapor path components (`:server`, `**` for keys).
    var pathComponents: [PathComponent] { segments.map(\.component) }
}

extension RoutesBuilder {
    /// Registers `handler` for `method` at `route`; parameters given as `.key`. A change naming an
    /// `If-Match` tag is refused here, once the route's own middlewares have let it through.
    @discardableResult
    func on<Answer: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ route: SiteRoute, body: HTTPBodyStreamStrategy = .collect,
        use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        if method == .GET || method == .HEAD {
            return on(method, route.pathComponents, body: body, use: handler)
        }
        let registered = on(method, route.pathComponents, body: body) { request in
            try HTTPCachingMiddleware.refuseUnmatchedChange(request)
            return try await handler(request)
        }
        if case .collect(let max?) = body { registered.userInfo[Route.bodyLimitKey] = max.value }
        return registered
    }

    @discardableResult
    func get<Answer: AsyncResponseEncodable>(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        on(.GET, route, use: handler)
    }

    @discardableResult
    func post<Answer: AsyncResponseEncodable>(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        on(.POST, route, use: handler)
    }

    @discardableResult
    func delete<Answer: AsyncResponseEncodable>(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        on(.DELETE, route, use: handler)
    }

    @discardableResult
    func patch<Answer: AsyncResponseEncodable>(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        on(.PATCH, route, use: handler)
    }
}

extension Request {
    /// A path parameter registered under `key`, or `nil` when absent or malformed.
    func parameter<Value: LosslessStringConvertible>(_ key: RouteKey, as type: Value.Type = Value.self) -> Value? {
        parameters.get(key.rawValue, as: type)
    }
}

extension Route {
    static let bodyLimitKey: AnySendableHashable = "bodyLimit"

    /// The most a body sent to this route may hold: its own limit, or the application's default. Vapor keeps a
    /// route's body strategy inside its responder; middleware that must read a body first (`CSRFMiddleware`) and
    /// the 413 answer that names the limit read it here.
    static func bodyLimit(of request: Request) -> Int {
        request.route?.userInfo[bodyLimitKey] as? Int ?? request.application.routes.defaultMaxBodySize.value
    }
}
