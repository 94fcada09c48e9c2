import Fluent
import Foundation

/// Everything stored about one person, for `GET /v1/account/export`.
struct DataExportQuery: Sendable {
    let database: any Database
    /// The plan each workspace is on as every limit reads it (not the stored column, which billing-off ignores).
    let plans: PlanPolicy

    func load(_ current: CurrentUser, at now: Date) async throws -> DataExportController.Export {
        let userID = try current.user.requireID()
        let memberships = try await Membership.query(on: database).filter(\.$user.$id == userID).with(\.$organization).all()
        return DataExportController.Export(
            exportedAt: now,
            user: .init(id: userID, email: current.user.email, phone: current.user.phone,
                        displayName: current.user.displayName, createdAt: current.user.createdAt),
            memberships: memberships.map {
                .init(organizationId: $0.organization.id!, organizationName: $0.organization.name,
                      plan: plans.planID(stored: $0.organization.plan, override: $0.organization.planOverride).rawValue,
                      role: $0.role, joinedAt: $0.createdAt)
            },
            sessions: try await Session.query(on: database).filter(\.$user.$id == userID).all().map {
                .init(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, ip: $0.ip, userAgent: $0.userAgent)
            },
            apiTokens: try await APIToken.query(on: database).filter(\.$user.$id == userID).all().map {
                .init(name: $0.name, organizationId: $0.$organization.id, scopes: $0.scopes.split(separator: " ").map(String.init),
                      createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, expiresAt: $0.expiresAt)
            },
            oauthGrants: try await grants(of: userID),
            serversCreated: try await HostedServer.query(on: database).filter(\.$creator.$id == userID).sort(\.$createdAt).all().map {
                .init(id: $0.id!, organizationId: $0.$organization.id, name: $0.name, slug: $0.slug, createdAt: $0.createdAt)
            },
            invitationsSent: try await Invitation.query(on: database).filter(\.$invitedBy.$id == userID).sort(\.$createdAt).all().map {
                .init(organizationId: $0.$organization.id, email: $0.email, role: $0.role, createdAt: $0.createdAt,
                      expiresAt: $0.expiresAt, acceptedAt: $0.acceptedAt)
            },
            invitationsReceived: try await invitationsReceived(by: current.user),
            emailChanges: try await EmailChange.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt).all().map {
                .init(email: $0.email, createdAt: $0.createdAt, expiresAt: $0.expiresAt, confirmedAt: $0.confirmedAt)
            },
            drafts: try await Draft.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt).all().map {
                .init(organizationId: $0.$organization.id, prompt: $0.prompt, drafter: $0.drafter, model: $0.model,
                      serverId: $0.serverID, createdAt: $0.createdAt, expiresAt: $0.expiresAt)
            },
            templatesPublished: try await Template.query(on: database).filter(\.$author.$id == userID).sort(\.$createdAt).all().map {
                .init(slug: $0.slug, organizationId: $0.$organization.id, title: $0.title, summary: $0.summary,
                      descriptionMarkdown: $0.descriptionMarkdown, createdAt: $0.createdAt, takenDownAt: $0.takenDownAt)
            },
            reportsFiled: try await TemplateReport.query(on: database).filter(\.$reporter.$id == userID).with(\.$template)
                .sort(\.$createdAt).all().map {
                    .init(templateSlug: $0.template.slug, reason: $0.reason.rawValue, text: $0.text, createdAt: $0.createdAt, resolvedAt: $0.resolvedAt)
                },
            auditEvents: try await AuditEvent.query(on: database).filter(\.$actorUserID == userID).sort(\.$createdAt).all().map(event),
            auditEventsAboutYou: try await AuditEvent.query(on: database).filter(\.$resourceType == "user")
                .filter(\.$resourceID == userID.uuidString).sort(\.$createdAt).all()
                .filter { $0.actorUserID != userID }.map(event)
        )
    }

    private func event(_ event: AuditEvent) -> DataExportController.Export.EventRecord {
        .init(action: event.action, organizationId: event.organizationID, resourceType: event.resourceType, resourceId: event.resourceID,
              ip: event.ip, userAgent: event.userAgent, metadata: event.metadataValues, createdAt: event.createdAt)
    }

    private func invitationsReceived(by user: User) async throws -> [DataExportController.Export.InvitationReceivedRecord] {
        guard let email = user.email else { return [] }
        return try await Invitation.query(on: database).filter(\.$email == email).with(\.$organization).sort(\.$createdAt).all().map {
            .init(organizationId: $0.$organization.id, organizationName: $0.organization.name, role: $0.role,
                  createdAt: $0.createdAt, expiresAt: $0.expiresAt, acceptedAt: $0.acceptedAt)
        }
    }

    private func grants(of userID: UUID) async throws -> [DataExportController.Export.GrantRecord] {
        let grants = try await OAuthGrant.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt).all()
        let clientIDs = Array(Set(grants.map(\.clientID)))
        let names = clientIDs.isEmpty ? [:] : Dictionary(try await OAuthClient.query(on: database).filter(\.$clientID ~~ clientIDs).all()
            .map { ($0.clientID, $0.clientName) }, uniquingKeysWith: { first, _ in first })
        return grants.map {
            .init(clientName: names[$0.clientID] ?? $0.clientID, organizationId: $0.$organization.id, serverId: $0.$server.id,
                  scope: $0.scope, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt)
        }
    }
}
