import Fluent
import Foundation

/// The newest people and workspaces, or those matching a search.
struct AdminPageQuery: Sendable {
    struct Data: Sendable {
        let users: [User]
        let organizations: [Organization]
        /// Each listed workspace's subscription, if it has one.
        let subscriptions: [UUID: WorkspaceSubscription]
    }

    let database: any Database

    func load(search: String) async throws -> Data {
        let users = User.query(on: database).sort(\.$createdAt, .descending).limit(100)
        let organizations = Organization.query(on: database).sort(\.$createdAt, .descending).limit(100)
        if !search.isEmpty {
            let pattern = search.lowercased()
            users.group(.or) { group in
                group.filter(\.$email ~~ pattern)
                group.filter(\.$phone ~~ pattern)
                group.filter(\.$displayName ~~ search)
            }
            organizations.filter(\.$name ~~ search)
        }
        let found = try await organizations.all()
        let subscriptions = found.isEmpty ? [] : try await WorkspaceSubscription.query(on: database)
            .filter(\.$organization.$id ~~ found.compactMap(\.id)).all()
        return Data(users: try await users.all(), organizations: found,
                    subscriptions: Dictionary(subscriptions.map { ($0.$organization.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }
}
