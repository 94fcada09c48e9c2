import Testing
import Vapor

/// A real HTTP server on 127.0.0.1 for tool fetches to reach: `routes` registers what it answers, `body` runs with
/// its port, and the server is shut down afterwards whether `body` succeeded or threw.
enum LoopbackTarget {
    static func with(routes: (Application) -> Void, _ body: (Int) async throws -> Void) async throws {
        let target = try await Application.make(.testing)
        routes(target)
        try await target.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            try await body(try #require(target.http.server.shared.localAddress?.port))
        } catch {
            await target.server.shutdown()
            try? await target.asyncShutdown()
            throw error
        }
        await target.server.shutdown()
        try await target.asyncShutdown()
    }
}
