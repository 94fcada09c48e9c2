import Core
import Fluent
import Foundation

/// Everything a server's page shows, read in one place.
struct ServerPageQuery: Sendable {
    struct Data: Sendable {
        let versions: [ServerVersion]
        /// The active version's spec (the draft's while the first build runs).
        let spec: ServerSpec
        let build: Build?
        let buildLines: [BuildLogLine]
        let calls: [ToolCallRecord]
        let secretKeys: Set<String>
    }

    let database: any Database
    let clock: AppClock
    let hosting: HostingEnvironment
    let secretBox: SecretBox

    /// `calls`: only the Logs tab shows them, so only it pays for reading them.
    func load(_ server: HostedServer, calls includeCalls: Bool) async throws -> Data {
        let id = server.id!
        let versions = try await ServerVersion.query(on: database).filter(\.$server.$id == id).sort(\.$number, .descending).all()
        let spec = try SpecJSON.decode(versions.first { $0.id == server.activeVersionID }?.specJSON ?? server.specJSON)
        let build = try await Build.query(on: database).filter(\.$server.$id == id).sort(\.$createdAt, .descending).first()
        var lines: [BuildLogLine] = []
        if let build { lines = try await BuildQueue(database: database, now: clock.now).lines(of: build.id!) }
        var calls: [ToolCallRecord] = []
        if includeCalls {
            // Calls still waiting in the recorder's batch belong on the page too.
            try await hosting.calls.flush(on: database)
            calls = try await ToolCallRecord.query(on: database).filter(\.$server.$id == id).sort(\.$at, .descending).limit(20).all()
        }
        let keys = Set(try await ServerSecrets(database: database, box: secretBox).keys(server: id))
        return Data(versions: versions, spec: spec, build: build, buildLines: lines, calls: calls, secretKeys: keys)
    }
}
