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
        /// Each listed workspace's owners, by their email or phone: names are the members' to choose, and two
        /// workspaces may share one (a name copied to pass for another's is how the wrong one gets suspended).
        let owners: [UUID: [String]]
        /// How many people and workspaces match in all; at most `limit` of each are listed.
        let userTotal: Int
        let organizationTotal: Int
    }

    /// The newest this many of each are listed; a search finds the others.
    static let limit = 100

    let database: any Database

    func load(search: String) async throws -> Data {
        let users = User.query(on: database)
        let organizations = Organization.query(on: database)
        if !search.isEmpty {
            users.group(.or) { group in
                group.filter(Self.contains(User.schema, "email", search))
                group.filter(Self.contains(User.schema, "phone", search))
                group.filter(Self.contains(User.schema, "display_name", search))
            }
            // A workspace is found by its name, or by a person in it (an owner's address finds their workspaces).
            let people = try await users.copy().limit(Self.limit).all(\.$id)
            let theirs = people.isEmpty ? [] : try await Membership.query(on: database).filter(\.$user.$id ~~ people).all(\.$organization.$id)
            organizations.group(.or) { group in
                group.filter(Self.contains(Organization.schema, "name", search))
                if !theirs.isEmpty { group.filter(\.$id ~~ theirs) }
            }
        }
        let userTotal = try await users.copy().count()
        let organizationTotal = try await organizations.copy().count()
        let found = try await organizations.sort(\.$createdAt, .descending).limit(Self.limit).all()
        let ids = found.compactMap(\.id)
        let subscriptions = ids.isEmpty ? [] : try await WorkspaceSubscription.query(on: database).filter(\.$organization.$id ~~ ids).all()
        let ownerships = ids.isEmpty ? [] : try await Membership.query(on: database).filter(\.$organization.$id ~~ ids)
            .filter(\.$role == Membership.Role.owner.rawValue).with(\.$user).all()
        var owners: [UUID: [String]] = [:]
        for membership in ownerships {
            owners[membership.$organization.id, default: []].append(membership.user.email ?? membership.user.phone ?? membership.user.displayName)
        }
        return Data(users: try await users.sort(\.$createdAt, .descending).limit(Self.limit).all(), organizations: found,
                    subscriptions: Dictionary(subscriptions.map { ($0.$organization.id, $0) }, uniquingKeysWith: { first, _ in first }),
                    owners: owners.mapValues { $0.sorted() }, userTotal: userTotal, organizationTotal: organizationTotal)
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
