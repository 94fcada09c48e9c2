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
        /// Whether calls older than `calls` exist.
        let hasOlderCalls: Bool
        let secretKeys: Set<String>
    }

    /// Rows on one page of the Logs tab.
    static let callsPerPage = 25
    /// The deepest page offered: 40 pages of 25 reach the latest 1,000 calls.
    static let maxCallsPage = 40

    let database: any Database
    let clock: AppClock
    let hosting: HostingEnvironment
    let secretBox: SecretBox

    /// `callsPage`: only the Logs tab shows calls (newest first, page 1 the latest), so only it pays
    /// for reading them. Pages count from the newest call, so a call made while someone reads page 2
    /// moves each row down by one: the live tail on page 1 is where calls arrive.
    func load(_ server: HostedServer, callsPage: Int?) async throws -> Data {
        let id = server.id!
        let versions = try await ServerVersion.query(on: database).filter(\.$server.$id == id).sort(\.$number, .descending).all()
        let spec = try SpecJSON.decode(versions.first { $0.id == server.activeVersionID }?.specJSON ?? server.specJSON)
        let build = try await Build.query(on: database).filter(\.$server.$id == id).sort(\.$createdAt, .descending).first()
        var lines: [BuildLogLine] = []
        if let build { lines = try await BuildQueue(database: database, now: clock.now).lines(of: build.id!) }
        var calls: [ToolCallRecord] = []
        var hasOlderCalls = false
        if let callsPage {
            // Calls still waiting in the recorder's batch belong on the page too.
            try await hosting.calls.flush(on: database)
            let page = min(max(callsPage, 1), Self.maxCallsPage)
            // One row past the page says whether an older page exists.
            calls = try await ToolCallRecord.query(on: database).filter(\.$server.$id == id)
                .sort(\.$at, .descending).sort(\.$id, .descending)
                .range(lower: (page - 1) * Self.callsPerPage, upper: page * Self.callsPerPage + 1).all()
            hasOlderCalls = calls.count > Self.callsPerPage && page < Self.maxCallsPage
            calls = Array(calls.prefix(Self.callsPerPage))
        }
        // Only values that open count as set: one sealed with a key this deployment no longer has must be entered again.
        let keys = Set(try await ServerSecrets(database: database, box: secretBox).values(server: id, organization: server.$organization.id).keys)
        return Data(versions: versions, spec: spec, build: build, buildLines: lines, calls: calls, hasOlderCalls: hasOlderCalls, secretKeys: keys)
    }
}
