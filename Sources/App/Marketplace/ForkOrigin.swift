import Fluent
import Foundation
import SQLKit
import Vapor

/// What a fork adds to a server's creation, run inside the creation's transaction: the
/// template must still be public, or the whole creation rolls back, and its fork count goes
/// up by one (in SQL, so concurrent forks never lose a count) for a workspace that never
/// forked it before (`template_forkers`) and is not the template's own.
struct ForkOrigin: Sendable {
    let templateID: UUID
    let versionID: UUID
    let templateSlug: String
    let versionNumber: Int

    func record(_ server: HostedServer, on database: any Database, audit: AuditLog, actor: UUID?) async throws {
        guard let sql = database as? any SQLDatabase else { throw Abort(.internalServerError) }
        // The no-op update checks the status and, on PostgreSQL, holds the row against a takedown until commit.
        let publisher = try await sql.raw("""
            UPDATE templates SET forks = forks WHERE id = \(bind: templateID) AND status = \(bind: Template.Status.public.rawValue) RETURNING organization_id
            """).first()?.decode(column: "organization_id", as: UUID.self)
        guard let publisher else {
            // Taken down or unlisted after the reference was made.
            guard let template = try await Template.find(templateID, on: database) else { throw TemplateAccess.notFound }
            throw ForkService.notForkable(template, isOwner: template.$organization.id == server.$organization.id)
        }
        let forker = server.$organization.id
        if publisher != forker {
            let first = try await sql.raw("""
                INSERT INTO template_forkers (id, template_id, organization_id, created_at)
                VALUES (\(bind: UUID()), \(bind: templateID), \(bind: forker), \(bind: server.createdAt))
                ON CONFLICT (template_id, organization_id) DO NOTHING RETURNING id
                """).all().count == 1
            if first {
                try await sql.raw("UPDATE templates SET forks = forks + 1 WHERE id = \(bind: templateID)").run()
            }
        }
        // In the forker's workspace only: the template's owner learns the count, never who forked.
        try await audit.on(database).record(
            "template.fork", organization: server.$organization.id, actor: actor, resourceType: "template",
            resourceID: templateID.uuidString,
            metadata: ["template": templateSlug, "version": String(versionNumber), "server": server.id!.uuidString])
    }
}
