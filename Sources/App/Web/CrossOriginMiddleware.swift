import Vapor

/// Which pages on other origins may call an endpoint and read its answers.
enum CrossOriginPolicy: Sendable {
    /// Any page: endpoints that read no cookie and whose answers are public, or bound to a
    /// proof only the caller holds (OAuth discovery, registration, token and revocation).
    case anyOrigin
    /// The site's own origins and the configured browser clients' (the hosted MCP endpoint);
    /// a request from any other origin is refused (SECURITY.md 23, DNS rebinding).
    case origins(SiteOrigins, clients: BrowserClientOrigins)

    /// The `Access-Control-Allow-Origin` value for a page at `origin`, or nil when refused.
    func allowOrigin(for origin: String) -> String? {
        switch self {
        case .anyOrigin: "*"
        case .origins(let site, let clients): site.allowsOrigin(origin) || clients.allows(origin) ? origin : nil
        }
    }
}

/// The CORS protocol (Fetch standard §3.2) for machine endpoints a browser page calls: the MCP
/// Inspector and web-based MCP clients, and OAuth public clients running in a page. A preflight
/// is answered here; every other answer, refusals included, carries the headers a page needs to
/// read it (a 401's `WWW-Authenticate` starts OAuth discovery). No answer allows credentials:
/// these endpoints take bearer tokens, never cookies.
struct CrossOriginMiddleware: AsyncMiddleware {
    let policy: CrossOriginPolicy

    /// Answer headers a page may read besides the CORS-safelisted ones.
    static let exposedHeaders = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Retry-After, X-Request-Id"
    /// How long a browser may reuse a preflight's answer, in seconds (Chromium keeps at most 2 hours).
    static let preflightMaxAge = 600

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let origin = request.headers.first(name: .origin) else {
            // Not a CORS request, but a cache may keep its answer for one (these are cacheable: discovery documents,
            // a tool list). Fetch §3.2.5: an answer for any origin carries `*` whether or not it was asked for; one
            // that depends on the origin says so with `Vary`.
            switch policy {
            case .anyOrigin:
                let response = await answer(request, next)
                stamp(response, allowOrigin: "*")
                response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders)
                return response
            case .origins:
                let response = try await next.respond(to: request)
                response.headers.add(name: .vary, value: "Origin")
                return response
            }
        }
        guard let allowed = policy.allowOrigin(for: origin) else {
            throw APIError(.forbidden, "origin_not_allowed", "Requests from this origin are not allowed.")
        }
        if request.method == .OPTIONS, request.headers.first(name: "Access-Control-Request-Method") != nil {
            return preflight(request, allowOrigin: allowed)
        }
        let response = await answer(request, next)
        stamp(response, allowOrigin: allowed)
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders)
        return response
    }

    /// The answer, refusals included: converted here rather than by the error middleware outside, so a page can
    /// read a refusal too.
    private func answer(_ request: Request, _ next: any AsyncResponder) async -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await ErrorPageMiddleware().response(for: error, request: request)
        }
    }

    private func preflight(_ request: Request, allowOrigin: String) -> Response {
        let response = Response(status: .noContent)
        // HEAD needs no permission (GET and POST neither, but naming them is clearer).
        let methods = request.application.allowedMethods.advertised(at: request.url.path).filter { $0 != .HEAD }.map(\.rawValue)
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Methods", value: methods.joined(separator: ", "))
        // The headers the page asked for, as long as they are header names: this server ignores any it does not read.
        let asked = request.headers[canonicalForm: "Access-Control-Request-Headers"].map(String.init)
        if !asked.isEmpty, asked.allSatisfy(Self.isHeaderName) {
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Headers", value: asked.joined(separator: ", "))
        }
        response.headers.replaceOrAdd(name: "Access-Control-Max-Age", value: String(Self.preflightMaxAge))
        stamp(response, allowOrigin: allowOrigin)
        if case .origins = policy {
            response.headers.add(name: .vary, value: "Access-Control-Request-Method, Access-Control-Request-Headers")
        }
        return response
    }

    private func stamp(_ response: Response, allowOrigin: String) {
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: allowOrigin)
        // An echoed origin differs per page, so a shared cache must key on it.
        if allowOrigin != "*" { response.headers.add(name: .vary, value: "Origin") }
    }

    /// An RFC 9110 field name (a token).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// `OPTIONS` without a preflight: which methods the address takes (RFC 9110 §9.3.7).
    @Sendable static func options(_ request: Request) async throws -> Response {
        .allowing(request.application.allowedMethods.advertised(at: request.url.path))
    }
}

extension RoutesBuilder {
    /// An `OPTIONS` route at each of `routes`, for the preflights `CrossOriginMiddleware` answers.
    func preflights(_ routes: [SiteRoute]) {
        for route in routes {
            on(.OPTIONS, route.pathComponents, use: CrossOriginMiddleware.options)
        }
    }
}
