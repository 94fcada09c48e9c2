import Fluent
import Foundation

/// An administrator suspends or reinstates a workspace: its members keep read access,
/// its changes and tool calls stop (`SuspensionGuard`, the MCP endpoint).
struct WorkspaceSuspension: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog

    func set(_ suspended: Bool, organization id: UUID?, by admin: CurrentUser) async throws {
        guard let id, let organization = try await Organization.find(id, on: database) else {
            throw APIError(.notFound, "not_found", "No such organization.")
        }
        organization.suspendedAt = suspended ? now : nil
        try await organization.save(on: database)
        try await audit.record(suspended ? "org.suspended" : "org.unsuspended", organization: organization.id,
                               actor: admin.user.id, resourceType: "organization", resourceID: organization.id?.uuidString)
    }
}
