import Core
import Fluent
import Foundation
import Vapor

/// Keeping a fork up to date: what its template's latest version would change, and
/// building that version as the fork's next one (its secrets kept, its name and slug
/// kept). Rollback stays the usual "activate an older version".
struct TemplateUpdateService: Sendable {
    let database: any Database
    let clock: AppClock
    let current: CurrentUser
    let secretBox: SecretBox
    let servers: ServerService

    struct Check: Sendable {
        let template: Template
        /// The version the fork was made from or last updated to.
        let currentNumber: Int
        let latest: TemplateVersion?
        /// Only when the template has a newer version and is public or hidden.
        let available: Bool
        /// What the fork serves now.
        let active: ServerSpec
        /// The latest version as the fork would build it (nil when no update is offered).
        let proposed: ServerSpec?

        /// Secrets the new version declares that the fork's live version does not.
        var newSecrets: [RequiredSecret] {
            guard let proposed else { return [] }
            let known = Set(active.requiredSecrets.map(\.key))
            return proposed.requiredSecrets.filter { !known.contains($0.key) }
        }
    }

    /// New required secrets with no value yet: asked for before anything is built.
    struct SecretsRequired: Error {
        let keys: [String]

        var message: String { "This update needs new secrets first: \(keys.joined(separator: ", "))." }
    }

    static let notAFork = APIError(.notFound, "not_a_fork", "This server was not forked from a marketplace template.")
    static let upToDate = APIError(.conflict, "no_update_available", "There is no newer version of the template to apply.")

    func check(_ server: HostedServer) async throws -> Check {
        guard let templateID = server.templateID, let template = try await Template.find(templateID, on: database) else {
            throw Self.notAFork
        }
        let currentNumber = try await server.templateVersionID.asyncFlatMap { try await TemplateVersion.find($0, on: database) }?.number ?? 0
        let active = try await servers.liveSpec(server)
        // A hidden template's versions reach only forks in its own workspace: one that left the marketplace
        // (or was hidden by a moderator) can neither be reported nor reviewed by the people it would update.
        let offered = Self.reaches(template, server) && template.latestVersion > currentNumber
        guard offered, let latest = try await TemplateVersion.query(on: database).filter(\.$template.$id == templateID)
            .filter(\.$number == template.latestVersion).first()
        else {
            return Check(template: template, currentNumber: currentNumber, latest: nil, available: false, active: active, proposed: nil)
        }
        var proposed = try SpecJSON.decode(latest.specJSON)
        // The fork keeps what its owner chose for it.
        proposed.name = active.name
        proposed.slug = server.slug
        return Check(template: template, currentNumber: currentNumber, latest: latest, available: true, active: active, proposed: proposed)
    }

    /// Whether `template`'s versions reach `fork` at all: a public template's reach every fork, a hidden one's only
    /// forks in its own workspace (one that left the marketplace, or was hidden by a moderator, can neither be
    /// reported nor reviewed by the people it would update), a taken-down one's none.
    static func reaches(_ template: Template, _ fork: HostedServer) -> Bool {
        template.status == .public || (template.status == .hidden && template.$organization.id == fork.$organization.id)
    }

    /// The newest version of `template` that `fork`'s owner may know of: the template's latest, or, where its
    /// versions do not reach the fork, the one the fork has.
    static func visibleLatest(_ template: Template, _ fork: HostedServer, currentNumber: Int) -> Int {
        reaches(template, fork) ? template.latestVersion : currentNumber
    }

    /// Queues a build of the template's latest version; the fork then records it.
    func apply(_ server: HostedServer, secrets posted: [String: String]) async throws -> Build {
        try current.checkBillingStanding()
        let check = try await check(server)
        guard check.available, let latest = check.latest, let proposed = check.proposed else { throw Self.upToDate }
        let provided = posted.filter { !$0.value.isEmpty }
        let declared = Set(proposed.requiredSecrets.map(\.key))
        if let unknown = provided.keys.sorted().first(where: { !declared.contains($0) }) {
            throw APIError(.unprocessableEntity, "unknown_secret", "\(unknown) is not one of the updated server's secrets.")
        }
        let store = ServerSecrets(database: database, box: secretBox)
        let stored = try await store.values(server: server.id!, organization: server.$organization.id)
        let missing = check.newSecrets.map(\.key).filter { stored[$0] == nil && provided[$0] == nil }
        guard missing.isEmpty else { throw SecretsRequired(keys: missing) }

        try SpecChecks.validateAndScan(proposed, secretValues: Array(stored.values) + Array(provided.values))
        let plan = current.plan
        let used = try await UsageService(database: database, now: clock.now()).today(.build, organization: server.$organization.id)
        try BuildQueue.checkQuota(plan: plan, usedToday: used, now: clock.now())
        for (key, value) in provided.sorted(by: { $0.key < $1.key }) {
            try await store.replace(key, value: value, server: server.id!, organization: server.$organization.id, now: clock.now())
        }
        if !provided.isEmpty { servers.hosting.contexts.invalidate(server.id!) }
        // Saved with the build's queueing, so a refused build records nothing.
        server.templateVersionID = latest.id
        let build = try await servers.rebuild(server, spec: proposed)
        try await servers.audit.record(
            "server.template_updated", organization: server.$organization.id, actor: current.user.id, resourceType: "server",
            resourceID: server.id?.uuidString,
            metadata: ["template": check.template.slug, "from": String(check.currentNumber), "to": String(latest.number),
                       "secrets_added": String(provided.count)])
        return build
    }
}

/// The line diffs an update shows: the spec without code, and the code tool by tool, so
/// a reviewer sees changed JavaScript as lines rather than one escaped JSON string.
enum TemplateUpdateDiff {
    static func spec(_ old: ServerSpec, _ new: ServerSpec) -> [LineDiff.Line] {
        LineDiff.diff(specText(old), specText(new))
    }

    static func code(_ old: ServerSpec, _ new: ServerSpec) -> [LineDiff.Line] {
        LineDiff.diff(codeText(old), codeText(new))
    }

    static func specText(_ spec: ServerSpec) -> String {
        var spec = spec
        for index in spec.tools.indices { spec.tools[index].implementation = "(see the code)" }
        return SpecJSON.pretty(spec)
    }

    static func codeText(_ spec: ServerSpec) -> String {
        spec.tools.map { "// tool: \($0.name)\n\($0.implementation)" }.joined(separator: "\n\n")
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Request {
    /// Template updates for `current`'s forks.
    func templateUpdates(_ current: CurrentUser) -> TemplateUpdateService {
        TemplateUpdateService(database: db, clock: application.clock, current: current, secretBox: application.secretBox,
                              servers: servers(current))
    }
}
