import Core
import Fluent
import Foundation
import Vapor

/// Publishing servers of one person's workspace as templates and keeping them up to
/// date: the first version, later versions, the listing, and public ↔ hidden.
/// Every change is checked by `PublishScan` first and audited.
struct TemplatePublisher: Sendable {
    let database: any Database
    let clock: AppClock
    let current: CurrentUser
    let secretBox: SecretBox
    let audit: AuditLog

    var organizationID: UUID { current.organization.id! }

    /// The server's live version: what a template copies. 409 before the first build succeeded.
    func activeVersion(of server: HostedServer) async throws -> ServerVersion {
        guard let id = server.activeVersionID, let version = try await ServerVersion.find(id, on: database) else {
            throw APIError(.conflict, "no_active_version",
                           "This server has no successful build yet. Publishing copies the live version, so wait for the build to finish.")
        }
        return version
    }

    /// The template published from `server`, whatever its status.
    func template(publishedFrom server: HostedServer) async throws -> Template? {
        try await Template.query(on: database).filter(\.$sourceServerID == server.id!).sort(\.$createdAt).first()
    }

    /// Publishes `server`'s live version as version 1 of a new public template.
    func publish(_ server: HostedServer, listing draft: TemplateListingText.Draft) async throws -> Template {
        try requireOwn(server)
        if let existing = try await template(publishedFrom: server) {
            throw APIError(.conflict, "already_published",
                           "This server is already published as “\(existing.title)” (\(existing.slug)). Publish a new version of it instead.")
        }
        try await TemplatePublishQuota(database: database, now: clock.now()).check(current.organization, plan: current.plan)
        let version = try await activeVersion(of: server)
        let spec = try SpecJSON.decode(version.specJSON)
        let listing = try TemplateListingText.validated(draft, spec: spec)
        try await scan(spec, listing, server: server)
        try await TemplateTakedown.checkPublish(spec, on: database)

        let now = clock.now()
        let base = TemplateSlug.make(from: listing.title)
        var attempt = 0
        while true {
            let slug = try await freeSlug(base)
            let template = Template()
            template.id = UUID()
            template.slug = slug
            template.$organization.id = server.$organization.id
            template.$author.id = current.user.id
            template.sourceServerID = server.id
            apply(listing, to: template)
            template.status = .public
            template.verified = false
            template.forks = 0
            template.latestVersion = 1
            template.toolNames = spec.tools.map(\.name).joined(separator: " ")
            template.createdAt = now
            template.updatedAt = now
            let first = makeVersion(of: template, number: 1, spec: spec, source: version, at: now)
            let audit = audit
            let actor = current.user.id
            let (organization, plan) = (current.organization, current.plan)
            do {
                try await database.writeTransaction { database in
                    // Counted again under the workspace's lock: concurrent publishes cannot pass the quota together.
                    try await database.lockWorkspace(template.$organization.id)
                    try await TemplatePublishQuota(database: database, now: now).check(organization, plan: plan)
                    try await template.create(on: database)
                    try await first.create(on: database)
                    try await audit.on(database).record(
                        "template.publish", organization: template.$organization.id, actor: actor, resourceType: "template",
                        resourceID: template.id?.uuidString,
                        metadata: ["slug": slug, "server": server.id!.uuidString, "serverVersion": String(version.number), "version": "1"])
                }
                return template
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                // Another publish of this server won the race (the unique source index), or
                // another template took the slug between the look-up and the insert.
                if let existing = try await self.template(publishedFrom: server) {
                    throw APIError(.conflict, "already_published",
                                   "This server is already published as “\(existing.title)” (\(existing.slug)). Publish a new version of it instead.")
                }
                attempt += 1
            }
        }
    }

    /// Copies the source server's live version as the template's next version.
    func publishVersion(of template: Template) async throws -> TemplateVersion {
        let server = try await sourceServer(of: template)
        let version = try await activeVersion(of: server)
        let spec = try SpecJSON.decode(version.specJSON)
        if let latest = try await latestVersion(of: template), try SpecJSON.decode(latest.specJSON) == spec {
            throw APIError(.conflict, "no_changes",
                           "Version \(version.number) of the server is what v\(latest.number) of the template already holds. Build a change first.")
        }
        var listing = template.listing
        listing.secretHints = TemplateListingText.reconciled(listing.secretHints, with: spec)
        try await scan(spec, listing, server: server)
        try await TemplateTakedown.checkPublish(spec, on: database)
        try await TemplatePublishQuota(database: database, now: clock.now()).check(current.organization, plan: current.plan)

        let now = clock.now()
        let number = template.latestVersion + 1
        let next = makeVersion(of: template, number: number, spec: spec, source: version, at: now)
        template.latestVersion = number
        template.toolNames = spec.tools.map(\.name).joined(separator: " ")
        template.secretHintsJSON = Template.encodeHints(listing.secretHints)
        template.updatedAt = now
        template.needsReviewAgain()
        let audit = audit
        let actor = current.user.id
        let (organization, plan) = (current.organization, current.plan)
        do {
            try await database.writeTransaction { database in
                try await database.lockWorkspace(template.$organization.id)
                try await TemplatePublishQuota(database: database, now: now).check(organization, plan: plan)
                try await next.create(on: database)
                try await template.save(on: database)
                try await audit.on(database).record(
                    "template.version", organization: template.$organization.id, actor: actor, resourceType: "template",
                    resourceID: template.id?.uuidString,
                    metadata: ["slug": template.slug, "version": String(number), "serverVersion": String(version.number)])
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError(.conflict, "version_conflict", "Another version was published at the same moment. Reload and try again.")
        }
        return next
    }

    /// Replaces the listing: title, category, descriptions and hints.
    func update(_ template: Template, listing draft: TemplateListingText.Draft) async throws {
        let latest = try await latestVersion(of: template)
        let spec = try latest.map { try SpecJSON.decode($0.specJSON) } ?? ServerSpec(name: "", slug: "", description: "", tools: [])
        let listing = try TemplateListingText.validated(draft, spec: spec)
        let values = try await sourceSecretValues(of: template)
        let findings = PublishScan.findings(listing: listing, secretValues: values)
        guard findings.isEmpty else { throw PublishBlocked(findings: findings) }
        let before = template.listing
        applyChanges(listing, to: template)
        // An edit that changes nothing is no update: it neither moves the template up nor writes an audit event.
        guard template.listing != before else { return }
        template.needsReviewAgain()
        template.updatedAt = clock.now()
        let audit = audit
        let actor = current.user.id
        try await database.writeTransaction { database in
            try await template.save(on: database)
            try await audit.on(database).record(
                "template.update", organization: template.$organization.id, actor: actor, resourceType: "template",
                resourceID: template.id?.uuidString, metadata: ["slug": template.slug])
        }
    }

    /// Public ↔ hidden. A taken-down template stays down: 409 `template_taken_down`.
    func setShared(_ template: Template, _ shared: Bool) async throws {
        if template.status == .takedown {
            throw APIError(.conflict, "template_taken_down",
                           "The moderators took this template down, so it cannot be shared again" + (template.takedownReason.map { ": \($0)" } ?? "."))
        }
        let status: Template.Status = shared ? .public : .hidden
        guard template.status != status else { return }
        if !shared, !current.plan.privateTemplates {
            throw APIError(.paymentRequired, "plan_limit",
                           "Keeping a template out of the marketplace (private templates) comes with the Pro plan. Upgrade under Settings → Billing.")
        }
        template.status = status
        template.updatedAt = clock.now()
        let audit = audit
        let actor = current.user.id
        try await database.writeTransaction { database in
            try await template.save(on: database)
            try await audit.on(database).record(
                shared ? "template.reshare" : "template.unshare", organization: template.$organization.id, actor: actor,
                resourceType: "template", resourceID: template.id?.uuidString, metadata: ["slug": template.slug])
        }
    }

    /// Every template of the workspace, whatever its status, most recently changed first.
    func mine() async throws -> [Template] {
        try await Template.query(on: database).filter(\.$organization.$id == organizationID).sort(\.$updatedAt, .descending).all()
    }

    /// The workspace's template behind `slug` for an owner's action: 404 for anyone
    /// else (a hidden template is as invisible as a missing one). Unlike
    /// `TemplateAccess.owned`, a takedown is returned, for the caller to refuse as it must.
    func owned(_ slug: String) async throws -> Template {
        guard let template = try await Template.query(on: database).filter(\.$slug == slug).first(),
              template.$organization.id == organizationID
        else { throw TemplateAccess.notFound }
        return template
    }

    /// Like `owned`, for a change to the listing or a new version: 410 after a takedown.
    func ownedForChange(_ slug: String) async throws -> Template {
        let template = try await owned(slug)
        if template.status == .takedown { throw TemplateAccess.takenDown(template) }
        return template
    }

    func latestVersion(of template: Template) async throws -> TemplateVersion? {
        try await TemplateVersion.query(on: database).filter(\.$template.$id == template.id!).sort(\.$number, .descending).first()
    }

    /// The server a template's versions come from: it must still exist in the template's workspace.
    func sourceServer(of template: Template) async throws -> HostedServer {
        guard let id = template.sourceServerID, let server = try await HostedServer.find(id, on: database),
              server.$organization.id == template.$organization.id
        else {
            throw APIError(.conflict, "source_server_gone",
                           "The server this template was published from no longer exists, so there is nothing to publish from.")
        }
        return server
    }

    // MARK: - Pieces

    private func requireOwn(_ server: HostedServer) throws {
        guard server.$organization.id == organizationID else {
            throw APIError(.notFound, "server_not_found", "There is no such server in this workspace.")
        }
    }

    private func scan(_ spec: ServerSpec, _ listing: TemplateListingText, server: HostedServer) async throws {
        do {
            try SpecValidator.check(spec)
        } catch {
            throw APIError(.unprocessableEntity, "spec_invalid", error.summary)
        }
        let values = try await ServerSecrets(database: database, box: secretBox).values(server: server.id!, organization: server.$organization.id)
        let findings = PublishScan.findings(spec: spec, listing: listing, secretValues: Array(values.values))
        guard findings.isEmpty else { throw PublishBlocked(findings: findings) }
    }

    private func sourceSecretValues(of template: Template) async throws -> [String] {
        guard let id = template.sourceServerID, let server = try await HostedServer.find(id, on: database) else { return [] }
        return Array(try await ServerSecrets(database: database, box: secretBox).values(server: id, organization: server.$organization.id).values)
    }

    /// The first numbered form of `base` no template has and no route reserves. The exact forms are asked for:
    /// a long base's are cut to fit, and a search for slugs starting with `base-` would miss them.
    private func freeSlug(_ base: String) async throws -> String {
        try await NumberedSlug.firstFree(base, maxLength: TemplateSlug.maxLength) { forms in
            let taken = try await Template.query(on: database).filter(\.$slug ~~ forms).all(\.$slug)
            return Set(taken).union(ReservedTemplateSlugs.all)
        }
    }

    private func apply(_ listing: TemplateListingText, to template: Template) {
        template.title = listing.title
        template.category = listing.category
        template.summary = listing.summary
        template.descriptionMarkdown = listing.descriptionMarkdown
        template.secretHintsJSON = Template.encodeHints(listing.secretHints)
    }

    /// Only the fields that differ, so the update writes only those: two edits at once of different fields (the
    /// title from one client, the summary from another) both stand, where writing every field let the later
    /// request put back the earlier one's old value.
    private func applyChanges(_ listing: TemplateListingText, to template: Template) {
        if template.title != listing.title { template.title = listing.title }
        if template.category != listing.category { template.category = listing.category }
        if template.summary != listing.summary { template.summary = listing.summary }
        if template.descriptionMarkdown != listing.descriptionMarkdown { template.descriptionMarkdown = listing.descriptionMarkdown }
        let hints = Template.encodeHints(listing.secretHints)
        if template.secretHintsJSON != hints { template.secretHintsJSON = hints }
    }

    private func makeVersion(of template: Template, number: Int, spec: ServerSpec, source: ServerVersion, at now: Date) -> TemplateVersion {
        let version = TemplateVersion()
        version.$template.id = template.id!
        version.number = number
        // Re-encoded from the decoded spec: only the spec's own fields travel.
        version.specJSON = SpecJSON.encode(spec)
        version.sourceVersionNumber = source.number
        version.createdBy = current.user.id
        version.createdAt = now
        return version
    }
}

extension Request {
    /// Publishing for `current`'s workspace.
    func templatePublisher(_ current: CurrentUser) -> TemplatePublisher {
        TemplatePublisher(database: db, clock: application.clock, current: current, secretBox: application.secretBox, audit: auditLog())
    }
}
