import Core
import Drafting
import Fluent
import Foundation
import Sandbox
import Vapor

/// Drafting for one signed-in person: input checks, the 24 h store, the daily
/// quota, and the provider call. Controllers for the API and the wizard share it.
struct DraftService: Sendable {
    let database: any Database
    let now: Date
    let current: CurrentUser
    let drafting: DraftingEnvironment
    let audit: AuditLog
    var metrics: AppMetrics?
    /// Compiles each drafted tool before the draft is kept (`checkCompiles`); nil skips that check.
    var sandbox: SandboxPool?

    var organizationID: UUID { current.organization.id! }
    var plan: Plan { current.plan }
    var choice: DrafterChoice { drafting.choose(plan) }

    /// A validated request and where its answer is stored.
    struct Prepared: Sendable {
        let input: PreviewInput
        let choice: DrafterChoice
        let promptHash: String
        /// A live server's spec to revise, the slug the revision must keep, and the server.
        var revising: (spec: ServerSpec, slug: String, server: UUID)?

        var request: DraftRequest {
            var request = DraftRequest(prompt: input.prompt, name: input.name, slug: input.slug, model: choice.model)
            if let revising {
                request.revising = revising.spec
                request.slug = revising.slug
            }
            return request
        }
    }

    func prepare(_ raw: PreviewInput) throws -> Prepared {
        let input = try raw.validated()
        let normalised = input.prompt.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let key = ["v1", normalised, input.name ?? "", input.slug ?? ""].joined(separator: "\n")
        let hash = SecretToken.sha256(key)
        return Prepared(input: input, choice: choice, promptHash: hash)
    }

    /// A stored, unexpired draft of the same prompt by the same model.
    func cached(_ prepared: Prepared) async throws -> Draft? {
        try await Draft.query(on: database)
            .filter(\.$organization.$id == organizationID)
            .filter(\.$promptHash == prepared.promptHash)
            .filter(\.$model == prepared.choice.model)
            .filter(\.$expiresAt > now)
            .sort(\.$createdAt, .descending)
            .first()
    }

    /// Today's drafts against the plan's, read on `database` (the reservation's transaction) or the service's.
    func quota(on database: (any Database)? = nil) async throws -> DailyQuota {
        let used = try await UsageService(database: database ?? self.database, now: now).today(.draft, organization: organizationID)
        return DailyQuota(.drafts, plan: plan, usedToday: used, now: now)
    }

    /// Today's draft, counted before the model is asked: each draft is a paid model call, and concurrent
    /// requests each counting only after their answer would all pass the quota. Counted under the workspace's
    /// lock; 429 `quota_exceeded` once today's drafts are used. `release` gives it back if no draft came of it.
    struct QuotaReservation: Sendable {
        let at: Date
    }

    func reserve() async throws -> QuotaReservation {
        try current.checkBillingStanding()
        let (now, organizationID) = (now, organizationID)
        try await database.writeTransaction { database in
            try await database.lockWorkspace(organizationID)
            do { try await quota(on: database).check() } catch let exceeded as QuotaExceeded { throw APIError(exceeded) }
            try await UsageService(database: database, now: now).record(.draft, organization: organizationID)
        }
        return QuotaReservation(at: now)
    }

    /// A reserved draft that failed (the model refused, timed out, or the client left) does not count.
    func release(_ reservation: QuotaReservation) async {
        try? await UsageService(database: database, now: reservation.at).unrecord(.draft, organization: organizationID)
    }

    /// Drafts in one piece (no streaming), stores and counts the result.
    func draft(_ prepared: Prepared) async throws -> (draft: Draft, cached: Bool) {
        if let hit = try await cached(prepared) {
            finished(prepared, outcome: "cached", since: nil)
            return (hit, true)
        }
        let reservation = try await reserve()
        var result: DraftResult
        let started = ContinuousClock.now
        do {
            result = try await prepared.choice.drafter.draft(prepared.request)
        } catch {
            await release(reservation)
            let refusal = APIError(error, timeoutSeconds: drafting.timeoutSeconds)
            finished(prepared, outcome: refusal.code, since: started)
            throw refusal
        }
        finished(prepared, outcome: "ok", since: started)
        do {
            if let revising = prepared.revising {
                // A revision keeps the server's slug (its URL), whatever the model wrote.
                var spec = result.spec
                spec.slug = revising.slug
                try SpecChecks.validateAndScan(spec)
                result = DraftResult(spec: spec, model: result.model)
            }
            return (try await store(result, prepared), false)
        } catch {
            await release(reservation)
            throw error
        }
    }

    /// Counts a draft by provider and outcome (`ok`, `cached` or the error code) in the metrics.
    func finished(_ prepared: Prepared, outcome: String, since started: ContinuousClock.Instant?) {
        metrics?.draftFinished(provider: prepared.choice.provider, outcome: outcome, duration: started.map { ContinuousClock.now - $0 })
    }

    /// Keeps the wizard's edited spec with the draft, even when it does not validate
    /// yet (nothing typed is lost), and returns its problems as (path, message).
    func keepEdited(_ spec: ServerSpec, of draft: Draft, secretValues: [String]) async throws -> [(String, String)] {
        let problems = SpecValidator.problems(in: spec).map { ($0.path, $0.message) }
            + SpecScanner.findings(in: spec, secretValues: secretValues).map { ($0.path, $0.message) }
        draft.editedSpecJSON = SpecJSON.encode(spec)
        try await draft.save(on: database)
        return problems
    }

    /// A revision of a live server's spec from a change described in words; the
    /// same change to the same spec answers from the store.
    func revise(_ base: ServerSpec, of server: HostedServer, change: String) async throws -> Draft {
        let input = try PreviewInput(prompt: change, name: nil, slug: nil).validated(change: true)
        var prepared = Prepared(input: input, choice: choice, promptHash: Self.revisionHash(base, of: server, change: input.prompt))
        prepared.revising = (base, server.slug, server.id!)
        return try await draft(prepared).draft
    }

    /// Saves a finished draft (its quota was counted by `reserve`).
    func store(_ result: DraftResult, _ prepared: Prepared) async throws -> Draft {
        try await checkCompiles(result.spec)
        let now = self.now
        let draft = Draft()
        draft.id = UUID()
        draft.$organization.id = organizationID
        draft.$user.id = current.user.id!
        draft.promptHash = prepared.promptHash
        draft.prompt = prepared.input.prompt
        draft.model = prepared.choice.model
        draft.drafter = prepared.choice.label
        draft.specJSON = SpecJSON.encode(result.spec)
        draft.serverID = prepared.revising?.server
        draft.createdAt = now
        draft.expiresAt = now.addingTimeInterval(Draft.lifetime)
        try await database.writeTransaction { database in
            try await draft.create(on: database)
            try await audit.on(database).record(
                "draft.created", organization: organizationID, actor: current.user.id, resourceType: "draft",
                resourceID: draft.id?.uuidString, metadata: ["model": draft.model, "tools": String(result.spec.tools.count)])
        }
        return draft
    }

    /// A drafted tool whose JavaScript does not parse fails the draft (which is then not counted), as a bad name or
    /// schema does: the wizard cannot edit code, so kept, it would cost a build and a server slot and then fail.
    /// Only the engine's syntax errors count; a compile the sandbox could not run (every worker busy) leaves the
    /// check to the build.
    func checkCompiles(_ spec: ServerSpec) async throws {
        guard let sandbox else { return }
        var problems: [String] = []
        for (index, tool) in spec.tools.enumerated() {
            if case .failure(.syntax(let message)) = await sandbox.compile(tool.implementation, workspace: organizationID.uuidString) {
                problems.append("tools[\(index)].implementation (\(tool.name)): \(message)")
            }
        }
        if !problems.isEmpty {
            throw APIError(DraftingError.specInvalid(problems.joined(separator: "; ")), timeoutSeconds: drafting.timeoutSeconds)
        }
    }

    /// What a revision is stored under: the server, the spec it revised and the change asked for.
    private static func revisionHash(_ base: ServerSpec, of server: HostedServer, change: String) -> String {
        SecretToken.sha256(["iterate", server.id!.uuidString, SpecJSON.encode(base), change].joined(separator: "\n"))
    }

    /// Whether `draft` revised `base`: built once another version went live, it would undo that version's changes.
    static func revises(_ draft: Draft, _ base: ServerSpec, of server: HostedServer) -> Bool {
        draft.promptHash == revisionHash(base, of: server, change: draft.prompt)
    }

    /// The change drafted for `server` on its Iterate tab, or 404 (a new server's draft, another server's, or
    /// another workspace's) / 410.
    func revision(_ id: UUID, of server: HostedServer) async throws -> Draft {
        let draft = try await find(id)
        guard draft.serverID != nil, draft.serverID == server.id else {
            throw APIError(.notFound, "preview_not_found", "There is no such change drafted for this server.")
        }
        return draft
    }

    /// The caller's draft, or 404 (another workspace's) / 410 (older than 24 h).
    func find(_ id: UUID) async throws -> Draft {
        guard let draft = try await Draft.find(id, on: database), draft.$organization.id == organizationID else {
            throw APIError(.notFound, "preview_not_found", "There is no such draft in this workspace.")
        }
        guard draft.expiresAt > now else {
            throw APIError(.gone, "preview_expired", "This draft is more than 24 hours old and has expired. Describe the server again to get a fresh draft.")
        }
        return draft
    }

    /// Merges an edit into the draft as edited so far (edits add up: one that names only the slug keeps an earlier
    /// one's name), re-validates and re-scans it, and stores it.
    func applyEdit(_ edit: SpecEdit, to draft: Draft) async throws -> ServerSpec {
        let spec = try Self.merged(edit, into: try draft.acceptedSpec())
        draft.editedSpecJSON = SpecJSON.encode(spec)
        try await draft.save(on: database)
        return spec
    }

    /// The draft's spec with `edit` applied, or the precise reason it cannot be.
    static func merged(_ edit: SpecEdit, into original: ServerSpec) throws -> ServerSpec {
        let spec: ServerSpec
        do {
            spec = try original.applying(edit)
        } catch {
            throw APIError(.unprocessableEntity, "tool_count_mismatch", error.description)
        }
        try SpecChecks.validateAndScan(spec)
        return spec
    }

    func resetEdits(_ draft: Draft) async throws {
        draft.editedSpecJSON = nil
        try await draft.save(on: database)
    }
}

/// Validation and scanning with the API's error codes; shared by drafts and servers.
enum SpecChecks {
    static func validateAndScan(_ spec: ServerSpec, secretValues: [String] = []) throws {
        do {
            try SpecValidator.check(spec)
        } catch {
            var refusal = APIError(.unprocessableEntity, "spec_invalid", error.summary)
            refusal.problems = error.problems.map { .init(path: $0.path, message: $0.message) }
            throw refusal
        }
        // The message names the first finding; `problems` has every one (a leak's never repeats the value).
        let findings = SpecScanner.findings(in: spec, secretValues: secretValues)
        let leaks = findings.filter { $0.kind == .leakedSecret || $0.kind == .leakedSecretValue }
        if let leak = leaks.first {
            var refusal = APIError(.unprocessableEntity, "secret_in_code", "\(leak.path): \(leak.message)")
            refusal.problems = leaks.map { .init(path: $0.path, message: $0.message) }
            throw refusal
        }
        if let finding = findings.first {
            var refusal = APIError(.unprocessableEntity, "banned_pattern", "\(finding.path): \(finding.message)")
            refusal.problems = findings.map { .init(path: $0.path, message: $0.message) }
            throw refusal
        }
    }
}

extension Request {
    /// Drafting for `current`'s workspace with the configured providers.
    func drafts(_ current: CurrentUser) -> DraftService {
        DraftService(database: db, now: application.clock.now(), current: current, drafting: application.drafting, audit: auditLog(),
                     metrics: application.metrics, sandbox: application.hosting.sandbox)
    }
}
