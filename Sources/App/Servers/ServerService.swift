import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Creating and listing hosted servers for one signed-in person's workspace.
struct ServerService: Sendable {
    let database: any Database
    let clock: AppClock
    let current: CurrentUser
    let secretBox: SecretBox
    let hosting: HostingEnvironment
    let audit: AuditLog

    var organizationID: UUID { current.organization.id! }

    /// What creation needs: a checked spec and the secret values to seal.
    struct Creation: Sendable {
        var spec: ServerSpec
        var secrets: [String: String]
        /// Set for a fork: the template and version it records, counted in the same transaction.
        var fork: ForkOrigin? = nil
    }

    /// Stores a new server with its secrets sealed and queues its first build;
    /// checks the spec, the slug, the plan's server limit and build quota first.
    func create(_ creation: Creation) async throws -> (HostedServer, Build) {
        let spec = creation.spec
        let declared = Set(spec.requiredSecrets.map(\.key))
        // Every key named, empty or not: an undeclared one is a mistake to point out, not to drop.
        if let unknown = creation.secrets.keys.sorted().first(where: { !declared.contains($0) }) {
            throw APIError(.unprocessableEntity, "unknown_secret", "\(unknown) is not one of the server's required secrets.")
        }
        // An empty value means "enter it later".
        let secrets = creation.secrets.filter { !$0.value.isEmpty }
        try current.checkBillingStanding()
        try SpecChecks.validateAndScan(spec, secretValues: Array(secrets.values))
        let plan = current.plan
        let now = clock.now()
        let server = HostedServer()
        server.id = UUID()
        server.$organization.id = organizationID
        server.$creator.id = current.user.id
        server.name = spec.name
        server.slug = spec.slug
        server.description = spec.description
        server.status = .draft
        server.specJSON = SpecJSON.encode(spec)
        server.templateID = creation.fork?.templateID
        server.templateVersionID = creation.fork?.versionID
        server.createdAt = now
        server.updatedAt = now
        let box = secretBox
        let fork = creation.fork
        let build: Build
        do {
            build = try await database.writeTransaction { database in
                // The plan's limits, counted under the workspace's lock so concurrent creations cannot pass them together.
                try await database.lockWorkspace(organizationID)
                try await checkRoom(for: spec, plan: plan, on: database)
                try await server.create(on: database)
                for (key, value) in secrets.sorted(by: { $0.key < $1.key }) {
                    let secret = ServerSecret()
                    secret.$server.id = server.id!
                    secret.$organization.id = organizationID
                    secret.key = key
                    secret.sealed = try box.seal(value, for: .init(organization: organizationID, server: server.id!, key: key))
                    secret.updatedAt = now
                    try await secret.create(on: database)
                }
                try await audit.on(database).record(
                    "server.created", organization: organizationID, actor: current.user.id, resourceType: "server",
                    resourceID: server.id?.uuidString,
                    metadata: ["slug": spec.slug, "tools": String(spec.tools.count), "secrets": String(secrets.count)])
                try await fork?.record(server, on: database, audit: audit, actor: current.user.id)
                // In the same transaction: a build the quota refuses leaves no server behind.
                return try await BuildQueue(database: database, now: clock.now).enqueue(spec, for: server, by: current.user.id, plan: plan)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two creations raced for one slug; the unique index decided.
            throw APIError(.conflict, "slug_taken", "This workspace already has a server with the slug “\(spec.slug)”. Choose another.")
        }
        hosting.buildSignal.signal()
        return (server, build)
    }

    /// Why one more server cannot be built now (the plan's limit is reached), for the wizard to say before a draft is
    /// spent; nil when there is room.
    func serverLimitReached(plan: Plan) async throws -> String? {
        try await serverLimit(plan: plan, on: database)?.message
    }

    /// The refusal one more server would get under the plan's limit, if it would.
    private func serverLimit(plan: Plan, on database: any Database) async throws -> ServerLimitReached? {
        let existing = try await HostedServer.query(on: database).filter(\.$organization.$id == organizationID).count()
        do { try ServerLimit(plan: plan, existing: existing).checkOneMore() } catch { return error }
        return nil
    }

    /// The plan's server limit, a free slug and a build left today (a new server's first build).
    private func checkRoom(for spec: ServerSpec, plan: Plan, on database: any Database) async throws {
        if let reached = try await serverLimit(plan: plan, on: database) { throw APIError(reached) }
        if try await slugTaken(spec.slug, on: database) {
            throw APIError(.conflict, "slug_taken", "This workspace already has a server with the slug “\(spec.slug)”. Choose another.")
        }
        let usedBuilds = try await UsageService(database: database, now: clock.now()).today(.build, organization: organizationID)
        try BuildQueue.checkQuota(plan: plan, usedToday: usedBuilds, now: clock.now())
    }

    /// The caller's server, or 404 (it does not exist or is another workspace's).
    func find(_ id: UUID?) async throws -> HostedServer {
        guard let id, let server = try await HostedServer.find(id, on: database), server.$organization.id == organizationID else {
            throw APIError(.notFound, "server_not_found", "There is no such server in this workspace.")
        }
        return server
    }

    /// Removes the endpoint, versions, builds, secrets, sessions, call log and the tokens made for it (cascades).
    func delete(_ server: HostedServer) async throws {
        try await hosting.calls.flush(on: database)
        defer { hosting.contexts.invalidate(server.id!) }
        try await database.writeTransaction { database in
            // Deleted by another request meanwhile (a double click, a retry): 404, one deletion, one audit event.
            // The row is removed by a statement that says whether it removed it; the writer lock (SQLite) or the
            // row lock (PostgreSQL) orders the two.
            guard let sql = database as? any SQLDatabase,
                  try await sql.raw("DELETE FROM \(ident: HostedServer.schema) WHERE id = \(bind: server.id!) RETURNING id").first() != nil
            else { throw APIError(.notFound, "server_not_found", "There is no such server in this workspace.") }
            try await audit.on(database).record(
                "server.deleted", organization: organizationID, actor: current.user.id, resourceType: "server",
                resourceID: server.id?.uuidString, metadata: ["slug": server.slug])
        }
    }

    /// Replaces one secret's value; the next call runs with it.
    func replaceSecret(_ key: String, value: String, of server: HostedServer) async throws {
        guard try await declaredSecrets(of: server).contains(key) else {
            throw APIError(.unprocessableEntity, "unknown_secret", "\(key) is not one of this server's secrets.")
        }
        // An empty field would remove the stored value: a Replace pressed by accident must not.
        // Only spaces is a slip, not a credential.
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError(.unprocessableEntity, "secret_required", "Type the new value for \(key); the stored one is unchanged.")
        }
        // The log tells a first value from a changed one: when a credential was first given is worth finding.
        let hadValue = try await ServerSecrets(database: database, box: secretBox)
            .replace(key, value: value, server: server.id!, organization: server.$organization.id, now: clock.now())
        hosting.contexts.invalidate(server.id!)
        try await audit.record(hadValue ? "server.secret_replaced" : "server.secret_set", organization: server.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: server.id?.uuidString, metadata: ["key": key])
    }

    /// Deletes a stored secret that neither the live version nor the build in progress declares (one kept from
    /// an earlier version, such as a token that is no longer used); a declared one is replaced, never deleted,
    /// so a server cannot lose a credential it runs with by a stray click.
    func deleteSecret(_ key: String, of server: HostedServer) async throws {
        guard try await !declaredSecrets(of: server).contains(key) else {
            throw APIError(.unprocessableEntity, "secret_in_use", "\(key) is used by this server; replace it instead.")
        }
        let store = ServerSecrets(database: database, box: secretBox)
        guard try await store.keys(server: server.id!).contains(key) else {
            throw APIError(.notFound, "secret_not_found", "No secret named \(key) is stored for this server.")
        }
        try await store.replace(key, value: "", server: server.id!, organization: server.$organization.id, now: clock.now())
        hosting.contexts.invalidate(server.id!)
        try await audit.record("server.secret_deleted", organization: server.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: server.id?.uuidString, metadata: ["key": key])
    }

    func declaredSecrets(of server: HostedServer) async throws -> Set<String> {
        server.declaredSecretKeys(live: try await liveSpec(server))
    }

    /// Makes an earlier (or later) version the live one: a rollback.
    func activate(version number: Int, of server: HostedServer) async throws {
        guard let version = try await ServerVersion.query(on: database).filter(\.$server.$id == server.id!)
            .filter(\.$number == number).first()
        else { throw APIError(.notFound, "version_not_found", "There is no such version.") }
        let spec = try SpecJSON.decode(version.specJSON)
        try await TemplateTakedown.checkActivation(server, spec: spec, on: database)
        let now = clock.now()
        try await database.writeTransaction { database in
            // Under the workspace's lock, as a build is queued (`BuildQueue.enqueue`): a build asked for at the same
            // moment is either seen here or queued after this commits, never between the check and the save.
            try await database.lockWorkspace(server.$organization.id)
            // The build would make its own version live when it ends, silently undoing this rollback.
            if try await Self.buildUnderWay(server, on: database) {
                throw APIError(.conflict, "build_in_progress",
                               "A build of this server is still running. Roll back after it ends; its log is on Overview.")
            }
            // Already live: nothing changes, and nothing is recorded as if it had.
            guard server.activeVersionID != version.id else { return }
            server.activeVersionID = version.id
            // The spec asked for is now this one: a secret only the version rolled back from declared is unused (the
            // Secrets tab lists it to delete), where it counted as pending and could be neither seen nor deleted.
            server.specJSON = version.specJSON
            server.describe(as: spec)
            server.status = .active
            server.updatedAt = now
            try await server.save(on: database)
            try await audit.on(database).record("server.version_activated", organization: server.$organization.id, actor: current.user.id,
                                                resourceType: "server", resourceID: server.id?.uuidString, metadata: ["version": String(number)])
        }
        hosting.contexts.invalidate(server.id!)
    }

    /// What clients are served now (or, before any build succeeded, the stored spec).
    func liveSpec(_ server: HostedServer) async throws -> ServerSpec {
        if let id = server.activeVersionID, let version = try await ServerVersion.find(id, on: database) {
            return try SpecJSON.decode(version.specJSON)
        }
        return try SpecJSON.decode(server.specJSON)
    }

    /// 422 `no_change` when `spec` is what already serves: a build of it would only spend one of the day's
    /// builds on a copy (an Iterate change the drafter could not make, Settings saved as they were).
    /// Whether a build of `server` is queued or running: it would make its own version live when it ends.
    private func buildUnderWay(_ server: HostedServer) async throws -> Bool {
        try await Self.buildUnderWay(server, on: database)
    }

    private static func buildUnderWay(_ server: HostedServer, on database: any Database) async throws -> Bool {
        try await Build.query(on: database).filter(\.$server.$id == server.id!).filter(\.$status ~~ [.queued, .running]).count() > 0
    }

    /// Whether a build of exactly `spec` is queued or running: a form sent again before its first answer came back
    /// (a double click) asks for the build it already started.
    /// Compared as `BuildQueue.enqueue` finds a build already queued: by the spec's encoding, in the query.
    func isBuilding(_ server: HostedServer, spec: ServerSpec) async throws -> Bool {
        try await Build.query(on: database).filter(\.$server.$id == server.id!).filter(\.$status ~~ [.queued, .running])
            .filter(\.$specJSON == SpecJSON.encode(spec)).count() > 0
    }

    /// A form filled in on a page that showed version `base` builds on it only while it is still what serves and no
    /// build is under way: two tabs (or two people) each saving a field would otherwise undo each other's change,
    /// and a save made while the previous one still builds would rebuild the older values.
    func requireBase(_ server: HostedServer, base: String) async throws {
        if try await buildUnderWay(server) {
            throw APIError(.conflict, "build_in_progress",
                           "Your change was not saved: the last one is still building. Once it is live (Overview shows it), open this tab again and save.")
        }
        guard base != (server.activeVersionID?.uuidString.lowercased() ?? "") else { return }
        let live = try await ServerVersion.find(server.activeVersionID, on: database)
        throw APIError(.conflict, "version_conflict",
                       "Your change was not saved: \(live.map { "version \($0.number)" } ?? "another version") went live after this page was opened. What you typed is below; compare it with what serves now and save again.")
    }

    func requireChange(_ server: HostedServer, spec: ServerSpec) async throws {
        guard let id = server.activeVersionID, let live = try await ServerVersion.find(id, on: database),
              try SpecJSON.decode(live.specJSON) == spec else { return }
        throw APIError(.unprocessableEntity, "no_change", "Nothing changed: version \(live.number) already serves exactly this.")
    }

    /// Checks `spec` against the stored secrets and queues a build of it: the next version. Returns that build, which
    /// is this request's own: another request may queue one of the same server a moment later.
    @discardableResult
    func rebuild(_ server: HostedServer, spec: ServerSpec) async throws -> Build {
        try current.checkBillingStanding()
        try await TemplateTakedown.checkRebuild(server, spec: spec, on: database)
        let values = try await ServerSecrets(database: database, box: secretBox)
            .values(server: server.id!, organization: server.$organization.id)
        try SpecChecks.validateAndScan(spec, secretValues: Array(values.values))
        server.specJSON = SpecJSON.encode(spec)
        let build = try await BuildQueue(database: database, now: clock.now)
            .enqueue(spec, for: server, by: current.user.id, plan: current.plan)
        hosting.buildSignal.signal()
        try await audit.record("server.build_requested", organization: server.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: server.id?.uuidString, metadata: ["build": build.id?.uuidString ?? ""])
        return build
    }

    /// Version `number` of `server` and the one before it (nil for the first).
    func version(_ number: Int, of server: HostedServer) async throws -> (version: ServerVersion, previous: ServerVersion?) {
        // Versions count from 1; this also keeps `number - 1` from overflowing at `Int.min`.
        guard number >= 1 else { throw APIError(.notFound, "version_not_found", "There is no such version.") }
        let versions = try await ServerVersion.query(on: database).filter(\.$server.$id == server.id!)
            .filter(\.$number ~~ [number, number - 1]).all()
        guard let version = versions.first(where: { $0.number == number }) else {
            throw APIError(.notFound, "version_not_found", "There is no such version.")
        }
        return (version, versions.first { $0.number == number - 1 })
    }

    /// How long after a creation the same form sent again (a double click, a resend after a lost answer) is
    /// taken for that creation rather than for a second server with a taken slug.
    static let resendWindow: TimeInterval = 10 * 60

    /// The server this person made from exactly `spec` a moment ago: what the wizards answer a second, identical
    /// creation with, where its refusal would say the slug is taken (or the plan full) by the very server that was made.
    func justCreated(_ spec: ServerSpec) async throws -> HostedServer? {
        guard let server = try await HostedServer.query(on: database).filter(\.$organization.$id == organizationID)
            .filter(\.$slug == spec.slug).filter(\.$creator.$id == current.user.id).first(),
            server.createdAt >= clock.now().addingTimeInterval(-Self.resendWindow),
            server.specJSON == SpecJSON.encode(spec) else { return nil }
        return server
    }

    func slugTaken(_ slug: String, on database: (any Database)? = nil) async throws -> Bool {
        try await HostedServer.query(on: database ?? self.database).filter(\.$organization.$id == organizationID).filter(\.$slug == slug).first() != nil
    }

    func list() async throws -> [HostedServer] {
        try await HostedServer.query(on: database).filter(\.$organization.$id == organizationID).sort(\.$createdAt, .descending).all()
    }
}

extension Application {
    private struct SecretBoxKey: StorageKey {
        typealias Value = SecretBox
    }

    var secretBox: SecretBox {
        get { configured(SecretBoxKey.self) }
        set { storage[SecretBoxKey.self] = newValue }
    }
}

extension Request {
    /// Hosted servers of `current`'s workspace.
    func servers(_ current: CurrentUser) -> ServerService {
        ServerService(database: db, clock: application.clock, current: current, secretBox: application.secretBox,
                      hosting: application.hosting, audit: auditLog())
    }
}
