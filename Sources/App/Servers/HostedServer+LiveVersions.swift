import Fluent
import Foundation
import SQLKit

extension HostedServer {
    /// The live version of each of `servers` in one query; servers that no longer exist are left out.
    static func liveVersions(of servers: [UUID], on database: any Database) async throws -> [UUID: UUID?] {
        guard !servers.isEmpty, let sql = database as? any SQLDatabase else { return [:] }
        let rows = try await sql.select().column("id").column("active_version_id").from(schema)
            .where("id", .in, servers).all()
        var live: [UUID: UUID?] = [:]
        for row in rows {
            live[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "active_version_id", as: UUID?.self)
        }
        return live
    }
}
