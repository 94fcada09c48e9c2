import Vapor

/// The methods each path answers to, for the requests no route takes: a path that exists
/// under other methods is 405 with `Allow` (RFC 9110 §15.5.6), and `OPTIONS` on it is
/// answered with `Allow` (§9.3.7), where Vapor's router would say 404 for both.
/// Routes are registered in `init` and only looked up afterwards, as Vapor's own responder
/// shares its `TrieRouter` across event loops.
final class AllowedMethods: @unchecked Sendable {
    private let router: TrieRouter<HTTPMethod>
    private let methods: [HTTPMethod]
    /// The routes whose every segment is a constant (`/v1/servers/preview`), by path.
    private let constantPaths: [String: Set<String>]
    private let caseInsensitive: Bool

    init(_ routes: Routes) {
        let router = TrieRouter(HTTPMethod.self, options: routes.caseInsensitive ? [.caseInsensitive] : [])
        var methods: [HTTPMethod] = []
        var constantPaths: [String: Set<String>] = [:]
        for route in routes.all {
            // As Vapor's own router registers them: empty constants dropped, the method first.
            let path = route.path.filter { if case .constant("") = $0 { false } else { true } }
            router.register(route.method, at: [.constant(route.method.rawValue)] + path)
            if !methods.contains(route.method) { methods.append(route.method) }
            let constants = path.compactMap { if case .constant(let text) = $0 { text } else { nil } }
            if constants.count == path.count {
                let key = Self.key(constants, caseInsensitive: routes.caseInsensitive)
                constantPaths[key, default: []].insert(route.method.rawValue)
            }
        }
        self.router = router
        self.methods = methods
        self.constantPaths = constantPaths
        self.caseInsensitive = routes.caseInsensitive
    }

    /// The methods of the route named exactly by `path`, when one is (`POST /v1/servers/preview`); empty otherwise.
    /// Another method at that path is routed to a parameter's route (`GET /v1/servers/:server`) that then finds no
    /// such id: `ErrorPageMiddleware` answers that 405 with these, not 404, since the path names an existing resource.
    func constantRouteMethods(at path: String) -> [HTTPMethod] {
        Self.listed(constantPaths[Self.key(path.split(separator: "/").map(String.init), caseInsensitive: caseInsensitive)] ?? [])
    }

    /// What `Allow` says for `path`, in a 405 and to `OPTIONS` alike: the methods of the route named exactly by it
    /// when there is one (`/v1/servers/preview` takes POST, though `GET /v1/servers/:server` matches it too and
    /// answers 405 for it), otherwise every method some route takes there.
    func advertised(at path: String) -> [HTTPMethod] {
        let constant = constantRouteMethods(at: path)
        return constant.isEmpty ? allowed(at: path) : constant
    }

    /// As `Allow` lists them: HEAD wherever GET is (Vapor answers HEAD from the GET route), never OPTIONS (every path
    /// answers it, so listing it where a preflight route happens to exist would only make those paths look
    /// different), in a stable order.
    private static func listed(_ names: Set<String>) -> [HTTPMethod] {
        var names = names
        if names.contains("GET") { names.insert("HEAD") }
        names.remove("OPTIONS")
        return names.sorted().map { HTTPMethod(rawValue: $0) }
    }

    private static func key(_ segments: [String], caseInsensitive: Bool) -> String {
        let joined = segments.filter { !$0.isEmpty }.joined(separator: "/")
        return caseInsensitive ? joined.lowercased() : joined
    }

    /// Every method some route takes at `path` but OPTIONS, with HEAD wherever GET is (Vapor answers HEAD
    /// from the GET route), in a stable order; empty when no route matches the path at all.
    func allowed(at path: String) -> [HTTPMethod] {
        let components = path.split(separator: "/").map(String.init)
        var found: Set<String> = []
        for method in methods {
            var parameters = Parameters()
            if router.route(path: [method.rawValue] + components, parameters: &parameters) != nil { found.insert(method.rawValue) }
        }
        return Self.listed(found)
    }
}

extension Response {
    /// The answer to an `OPTIONS` that asks which methods `methods` a path takes (RFC 9110 §9.3.7).
    static func allowing(_ methods: [HTTPMethod]) -> Response {
        Response(status: .noContent, headers: ["Allow": methods.map(\.rawValue).joined(separator: ", "), "Cache-Control": "no-store"])
    }
}

extension Application {
    private struct AllowedMethodsKey: StorageKey {
        typealias Value = AllowedMethods
    }

    /// Built by `configure` once every route is registered.
    var allowedMethods: AllowedMethods {
        get { configured(AllowedMethodsKey.self) }
        set { storage[AllowedMethodsKey.self] = newValue }
    }
}
