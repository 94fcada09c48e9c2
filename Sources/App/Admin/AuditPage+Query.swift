import Fluent
import Foundation

/// One page of the audit log with the names of the people who acted.
struct AuditPageQuery: Sendable {
    struct Data: Sendable {
        let events: [AuditEvent]
        let nextCursor: String?
        /// Display names by user id; deleted people are missing.
        let actorNames: [UUID: String]
    }

    let database: any Database

    func load(_ scope: AuditScope, onlyActor: UUID?, _ filters: AuditLogQuery.Filters) async throws -> Data {
        let (events, next) = try await AuditLogQuery(database: database).page(scope, onlyActor: onlyActor, filters)
        let ids = Array(Set(events.compactMap(\.actorUserID)))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: database)
            .filter(\.$id ~~ ids).all().map { ($0.id!, $0.displayName) })
        return Data(events: events, nextCursor: next, actorNames: names)
    }
}
