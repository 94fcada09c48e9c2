import Foundation
import Vapor

/// Whether a browser's `Origin` is this site: the configured public origin, or
/// the host the browser itself addressed (so `localhost` and `127.0.0.1` both
/// work in development). Forms, WebSocket upgrades and MCP requests share it.
enum SameOrigin {
    static func matches(_ origin: String, _ request: Request, publicOrigin: String) -> Bool {
        if origin == publicOrigin { return true }
        guard let host = request.headers.first(name: .host), let url = URL(string: origin), let originHost = url.host else { return false }
        let authority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return authority == host
    }
}
