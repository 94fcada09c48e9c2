import Foundation
import Vapor

/// A request target in absolute form (`GET http://host/path HTTP/1.1`), which a server must accept (RFC 9112 §3.2.2)
/// though clients send it only to proxies: it is read as its path and query, and its authority replaces `Host`, as the
/// RFC says. Vapor takes the whole target for a path and picks the route before any middleware runs, so this wraps
/// the responder itself. Otherwise such a request was a 404, or in production a redirect to a nonsense URL.
struct AbsoluteFormResponder: Responder {
    let next: any Responder

    func respond(to request: Request) -> EventLoopFuture<Response> {
        Self.rewrite(request)
        return next.respond(to: request)
    }

    static func rewrite(_ request: Request) {
        // The server's decoder puts a slash before any target that lacks one: `/http://host/path`. No route of ours
        // begins with a scheme, so that shape is only ever an absolute-form target.
        // Every request passes here, hosted tool calls included: the path's first bytes decide before anything is built.
        let path = request.url.path.utf8
        guard path.first == UInt8(ascii: "/") else { return }
        let head = path.dropFirst().prefix(8).map { $0 | 0x20 }  // lowercased ASCII letters; enough to compare
        guard head.starts(with: "http://".utf8) || head.starts(with: "https://".utf8) else { return }
        var target = request.url.string
        if target.hasPrefix("/") { target.removeFirst() }
        guard target.lowercased().hasPrefix("http://") || target.lowercased().hasPrefix("https://"),
              let components = URLComponents(string: target), let host = components.host, !host.isEmpty else { return }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        request.headers.replaceOrAdd(name: .host, value: components.port.map { "\(bracketed):\($0)" } ?? bracketed)
        var origin = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { origin += "?" + query }
        request.url = URI(string: origin)
    }
}
