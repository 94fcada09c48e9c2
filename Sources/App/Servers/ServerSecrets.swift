import Fluent
import Foundation

/// Reads and replaces a server's sealed secrets. Values leave only toward the
/// sandbox for one call and the scanners; never toward a page or an answer.
struct ServerSecrets: Sendable {
    let database: any Database
    let box: SecretBox

    func values(server: UUID, organization: UUID) async throws -> [String: String] {
        var values: [String: String] = [:]
        for secret in try await ServerSecret.query(on: database).filter(\.$server.$id == server).all() {
            values[secret.key] = try box.open(secret.sealed, for: .init(organization: organization, server: server, key: secret.key))
        }
        return values
    }

    func keys(server: UUID) async throws -> [String] {
        try await ServerSecret.query(on: database).filter(\.$server.$id == server).all().map(\.key).sorted()
    }

    /// Sets (or with an empty value removes) one secret.
    func replace(_ key: String, value: String, server: UUID, organization: UUID, now: Date) async throws {
        let existing = try await ServerSecret.query(on: database).filter(\.$server.$id == server).filter(\.$key == key).first()
        if value.isEmpty {
            try await existing?.delete(on: database)
            return
        }
        let secret = existing ?? ServerSecret()
        secret.$server.id = server
        secret.$organization.id = organization
        secret.key = key
        secret.sealed = try box.seal(value, for: .init(organization: organization, server: server, key: key))
        secret.updatedAt = now
        try await secret.save(on: database)
    }
}
