import Vapor

/// Security headers on every response, errors included (SECURITY.md 7).
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let isProduction: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        // RFC 6797 §7.2: HSTS only over https; a hop the proxy reports as plain http (answered
        // with the redirect to https) must not carry it.
        for (name, value) in Self.headers(isProduction: isProduction && request.client.scheme == "https") {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if let widened = request.contentSecurityPolicyExtension {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: widened.applied(to: Self.contentSecurityPolicy))
        }
        return response
    }

    /// `isProduction`: production, over https (the only case that gets HSTS).
    static func headers(isProduction: Bool) -> [(String, String)] {
        var headers = [
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if isProduction {
            headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
        }
        return headers
    }
}
