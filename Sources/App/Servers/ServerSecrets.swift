import Fluent
import Foundation

/// Reads and replaces a server's sealed secrets. Values leave only toward the
/// sandbox for one call and the scanners; never toward a page or an answer.
struct ServerSecrets: Sendable {
    let database: any Database
    let box: SecretBox

    /// The stored values that open. One that does not (sealed with a key no longer configured, as after a backup
    /// restored without its key, or damaged) is left out as if it had never been entered: the server keeps serving,
    /// a tool that needs it fails on its own, and the server's page asks for the value again.
    func values(server: UUID, organization: UUID) async throws -> [String: String] {
        try await opened(server: server, organization: organization).values
    }

    /// The values that open, and the keys of those that do not.
    func opened(server: UUID, organization: UUID) async throws -> (values: [String: String], unreadable: [String]) {
        var values: [String: String] = [:]
        var unreadable: [String] = []
        for secret in try await ServerSecret.query(on: database).filter(\.$server.$id == server).all() {
            do {
                values[secret.key] = try box.open(secret.sealed, for: .init(organization: organization, server: server, key: secret.key))
            } catch is SecretBox.Failure {
                unreadable.append(secret.key)
            }
        }
        return (values, unreadable.sorted())
    }

    func keys(server: UUID) async throws -> [String] {
        try await ServerSecret.query(on: database).filter(\.$server.$id == server).all().map(\.key).sorted()
    }

    /// Sets (or with an empty value removes) one secret; whether a value was stored before.
    @discardableResult
    func replace(_ key: String, value: String, server: UUID, organization: UUID, now: Date) async throws -> Bool {
        let existing = try await ServerSecret.query(on: database).filter(\.$server.$id == server).filter(\.$key == key).first()
        if value.isEmpty {
            try await existing?.delete(on: database)
            return existing != nil
        }
        let secret = existing ?? ServerSecret()
        secret.$server.id = server
        secret.$organization.id = organization
        secret.key = key
        secret.sealed = try box.seal(value, for: .init(organization: organization, server: server, key: key))
        secret.updatedAt = now
        try await secret.save(on: database)
        return existing != nil
    }
}
