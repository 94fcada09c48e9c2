import Fluent
import FluentSQL
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
            users.group(.or) { group in
                group.filter(Self.contains(User.schema, "email", search))
                group.filter(Self.contains(User.schema, "phone", search))
                group.filter(Self.contains(User.schema, "display_name", search))
            }
            organizations.filter(Self.contains(Organization.schema, "name", search))
        }
        let found = try await organizations.all()
        let subscriptions = found.isEmpty ? [] : try await WorkspaceSubscription.query(on: database)
            .filter(\.$organization.$id ~~ found.compactMap(\.id)).all()
        return Data(users: try await users.all(), organizations: found,
                    subscriptions: Dictionary(subscriptions.map { ($0.$organization.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// `column` contains `text`, ignoring case, with `%`, `_` and `\` taken literally. Fluent's `~~` puts the text
    /// into a LIKE pattern as it is, so a search for `%` listed everyone; and LIKE ignores case on SQLite but not on
    /// PostgreSQL, so both sides are lowered.
    static func contains(_ table: String, _ column: String, _ text: String) -> DatabaseQuery.Filter {
        .sql(embed: "lower(\(ident: table).\(ident: column)) LIKE \(bind: likePattern(text)) ESCAPE '\\'")
    }

    /// `%text%` with LIKE's own characters escaped by a backslash.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}
