import Fluent
import Foundation

/// The newest tool-call records of a server, for the live call tail.
struct CallTailQuery: Sendable {
    let database: any Database
    let hosting: HostingEnvironment

    /// Up to 100 calls at or after `since`, oldest first; calls still in the recorder's
    /// batch are written first so they show at once.
    func calls(of server: UUID, since: Date) async throws -> [ToolCallRecord] {
        try await hosting.calls.flush(on: database)
        return try await ToolCallRecord.query(on: database).filter(\.$server.$id == server).filter(\.$at >= since)
            .sort(\.$at).limit(100).all()
    }
}
