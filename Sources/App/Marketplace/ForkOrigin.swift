import Fluent
import Foundation
import SQLKit
import Vapor

/// What a fork adds to a server's creation, run inside the creation's transaction: the
/// template's fork count goes up by exactly one (in SQL, so concurrent forks never lose
/// a count) and only while the template is still public, or the whole creation rolls back.
struct ForkOrigin: Sendable {
    let templateID: UUID
    let versionID: UUID
    let templateSlug: String
    let versionNumber: Int

    func record(_ server: HostedServer, on database: any Database, audit: AuditLog, actor: UUID?) async throws {
        guard let sql = database as? any SQLDatabase else { throw Abort(.internalServerError) }
        let counted = try await sql.raw("""
            UPDATE templates SET forks = forks + 1 WHERE id = \(bind: templateID) AND status = \(bind: Template.Status.public.rawValue) RETURNING id
            """).all().count == 1
        guard counted else {
            // Taken down or unlisted after the reference was made.
            guard let template = try await Template.find(templateID, on: database) else { throw TemplateAccess.notFound }
            throw ForkService.notForkable(template, isOwner: template.$organization.id == server.$organization.id)
        }
        // In the forker's workspace only: the template's owner learns the count, never who forked.
        try await audit.on(database).record(
            "template.fork", organization: server.$organization.id, actor: actor, resourceType: "template",
            resourceID: templateID.uuidString,
            metadata: ["template": templateSlug, "version": String(versionNumber), "server": server.id!.uuidString])
    }
}
