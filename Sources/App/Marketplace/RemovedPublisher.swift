import Fluent
import Foundation

/// Where a taken-down template goes when the workspace that published it is deleted. The takedown
/// must outlive its publisher: its forks stay stopped and keep the reason, an unedited rebuild or a
/// rollback to its tools is still refused, and its slug is not free to claim again. Deleting the
/// workspace would otherwise delete the template with it (and every fork would serve its code again).
/// The holder is a workspace of its own with no members, suspended from the start, so nothing of it
/// runs and nobody signs in to it; moderators still see and restore the template as before.
enum RemovedPublisher {
    static let organizationID = UUID(uuidString: "00000000-0000-4000-8000-00000000d0d0")!
    static let name = "Removed publisher"

    /// Moves `organization`'s taken-down templates (with their versions and reports) to the holder.
    /// Call it in the deletion's transaction, before the workspace's rows go.
    static func adoptTakenDownTemplates(of organization: UUID, now: Date, on database: any Database) async throws {
        let templates = try await Template.query(on: database).filter(\.$organization.$id == organization)
            .filter(\.$status == .takedown).all(\.$id)
        guard !templates.isEmpty else { return }
        if try await Organization.find(organizationID, on: database) == nil {
            let holder = Organization(name: name, plan: .hobby)
            holder.id = organizationID
            holder.suspendedAt = now
            try await holder.create(on: database)
        }
        try await Template.query(on: database).filter(\.$id ~~ templates)
            .set(\.$organization.$id, to: organizationID).update()
    }
}
