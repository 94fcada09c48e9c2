import Foundation
import Vapor

/// A request target in absolute form (`GET http://host/path HTTP/1.1`), which a server must accept (RFC 9112 §3.2.2)
/// though clients send it only to proxies: it is read as its path and query, and its authority replaces `Host`, as the
/// RFC says. Otherwise the whole address was taken for a path: a 404, or in production a redirect to a nonsense URL.
struct AbsoluteFormMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let target = request.url.string
        if target.lowercased().hasPrefix("http://") || target.lowercased().hasPrefix("https://"),
           let components = URLComponents(string: target), let host = components.host, !host.isEmpty {
            let bracketed = host.contains(":") ? "[\(host)]" : host
            request.headers.replaceOrAdd(name: .host, value: components.port.map { "\(bracketed):\($0)" } ?? bracketed)
            var origin = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            if let query = components.percentEncodedQuery { origin += "?" + query }
            request.url = URI(string: origin)
        }
        return try await next.respond(to: request)
    }
}
