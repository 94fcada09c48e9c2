import Fluent
import Foundation
import Vapor

/// `GET /v1/account/export`: everything stored about the signed-in person, as
/// JSON. Secrets (token values and hashes, session ids) are never included.
enum DataExportController {
    struct Export: Content {
        struct UserRecord: Content {
            let id: UUID
            let email: String?
            let phone: String?
            let displayName: String
            let createdAt: Date?
        }
        struct MembershipRecord: Content {
            let organizationId: UUID
            let organizationName: String
            let plan: String
            let role: String
            let joinedAt: Date?
        }
        struct SessionRecord: Content {
            let createdAt: Date
            let lastSeenAt: Date
            let ip: String?
            let userAgent: String?
        }
        struct TokenRecord: Content {
            let name: String
            let organizationId: UUID
            let scopes: [String]
            let createdAt: Date
            let lastUsedAt: Date?
            let expiresAt: Date?
        }
        struct EventRecord: Content {
            let action: String
            let organizationId: UUID?
            let resourceType: String?
            let resourceId: String?
            let ip: String?
            let userAgent: String?
            let metadata: [String: String]
            let createdAt: Date
        }
        /// An app (Claude, Cursor, …) the person let call one of their servers.
        struct GrantRecord: Content {
            let clientName: String
            let organizationId: UUID
            let serverId: UUID
            let scope: String
            let createdAt: Date
            let lastUsedAt: Date?
            let revokedAt: Date?
        }
        struct ServerRecord: Content {
            let id: UUID
            let organizationId: UUID
            let name: String
            let slug: String
            let createdAt: Date
        }
        struct InvitationRecord: Content {
            let organizationId: UUID
            let email: String
            let role: String
            let createdAt: Date
            let expiresAt: Date
            let acceptedAt: Date?
        }
        /// A description the person gave a drafting model, with what it drafted (kept until the draft expires).
        struct DraftRecord: Content {
            let organizationId: UUID
            let prompt: String
            let drafter: String
            let model: String
            let serverId: UUID?
            let createdAt: Date
            let expiresAt: Date
        }
        struct TemplateRecord: Content {
            let slug: String
            let organizationId: UUID
            let title: String
            let summary: String
            let descriptionMarkdown: String
            let createdAt: Date
            let takenDownAt: Date?
        }
        struct ReportRecord: Content {
            let templateSlug: String
            let reason: String
            let text: String
            let createdAt: Date
            let resolvedAt: Date?
        }
        struct InvitationReceivedRecord: Content {
            let organizationId: UUID
            let organizationName: String
            let role: String
            let createdAt: Date
            let expiresAt: Date
            let acceptedAt: Date?
        }
        struct EmailChangeRecord: Content {
            let email: String
            let createdAt: Date
            let expiresAt: Date
            let confirmedAt: Date?
        }
        let exportedAt: Date
        let user: UserRecord
        let memberships: [MembershipRecord]
        let sessions: [SessionRecord]
        let apiTokens: [TokenRecord]
        let oauthGrants: [GrantRecord]
        /// Servers the person created, in any of their workspaces (their specs are in the workspace, not here).
        let serversCreated: [ServerRecord]
        let invitationsSent: [InvitationRecord]
        /// Invitations to the person's current address, from any workspace.
        let invitationsReceived: [InvitationReceivedRecord]
        let emailChanges: [EmailChangeRecord]
        /// The descriptions (prompts) the person drafted servers from.
        let drafts: [DraftRecord]
        let templatesPublished: [TemplateRecord]
        /// Marketplace reports the person filed, with their text.
        let reportsFiled: [ReportRecord]
        /// Events the person caused.
        let auditEvents: [EventRecord]
        /// Events about the person's account that someone else, or nobody signed in, caused: sign-in attempts on
        /// their address, a role given or taken.
        let auditEventsAboutYou: [EventRecord]
    }

    static func export(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let export = try await DataExportQuery(database: req.db, plans: req.application.config.plans).load(current, at: req.application.clock.now())
        let response = try req.json(export).noStore()
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"buildmymcpserver-data.json\"")
        return response
    }
}
