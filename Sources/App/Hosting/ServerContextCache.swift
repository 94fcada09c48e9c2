import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// What a tool call needs about its server (the live version's spec, its
/// secrets, the plan's limits), kept for a second so a busy server is not
/// re-read and re-decrypted on every call. Changes made through this instance
/// (build, rollback, secrets, deletion) drop the entry at once; other instances
/// see them within a second.
final class ServerContextCache: Sendable {
    struct Entry: Sendable {
        let server: HostedServer
        let versionID: UUID
        let spec: ServerSpec
        let secrets: [String: String]
        let plan: Plan
        let loadedAt: ContinuousClock.Instant
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    let lifetime: Duration

    init(lifetime: Duration = .seconds(1)) {
        self.lifetime = lifetime
    }

    func invalidate(_ server: UUID) {
        entries.withLockedValue { $0[server] = nil }
    }

    /// The server and its live context, or nil when it has no live version.
    func context(for id: UUID, app: Application) async throws -> Entry? {
        if let entry = entries.withLockedValue({ $0[id] }), ContinuousClock.now - entry.loadedAt < lifetime {
            return entry
        }
        guard let server = try await HostedServer.find(id, on: app.db) else {
            invalidate(id)
            return nil
        }
        guard let versionID = server.activeVersionID, let version = try await ServerVersion.find(versionID, on: app.db) else { return nil }
        let secrets = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: id, organization: server.$organization.id)
        let plan = try await Organization.find(server.$organization.id, on: app.db).map { PlanTable.plan($0.planID) } ?? PlanTable.hobby
        let entry = Entry(server: server, versionID: versionID, spec: try SpecJSON.decode(version.specJSON), secrets: secrets, plan: plan,
                          loadedAt: ContinuousClock.now)
        entries.withLockedValue { $0[id] = entry }
        return entry
    }
}
