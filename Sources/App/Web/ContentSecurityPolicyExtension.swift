import Vapor

/// Origins one page adds to the strict site-wide CSP (``SecurityHeadersMiddleware``): a controller sets it on the
/// request, and only that response gets the wider policy. The billing page is the one user: Stripe.js and its
/// embedded Checkout frames, and the redirects of its forms to Stripe's hosted pages.
struct ContentSecurityPolicyExtension: Sendable, Equatable {
    var scripts: [String] = []
    var frames: [String] = []
    var connects: [String] = []
    var formActions: [String] = []

    /// The site-wide policy with these origins added to their directives.
    func applied(to policy: String) -> String {
        let additions = ["script-src": scripts, "frame-src": frames, "connect-src": connects, "form-action": formActions]
        var directives = policy.components(separatedBy: "; ")
        for (name, origins) in additions.sorted(by: { $0.key < $1.key }) where !origins.isEmpty {
            if let index = directives.firstIndex(where: { $0.hasPrefix(name + " ") }) {
                directives[index] += " " + origins.joined(separator: " ")
            } else {
                directives.append(([name, "'self'"] + origins).joined(separator: " "))
            }
        }
        return directives.joined(separator: "; ")
    }

    /// `https://js.stripe.com/endive/stripe.js` → `https://js.stripe.com`.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}

extension Request {
    private struct CSPExtensionKey: StorageKey {
        typealias Value = ContentSecurityPolicyExtension
    }

    /// Set by a controller to widen this response's CSP only.
    var contentSecurityPolicyExtension: ContentSecurityPolicyExtension? {
        get { storage[CSPExtensionKey.self] }
        set { storage[CSPExtensionKey.self] = newValue }
    }
}
