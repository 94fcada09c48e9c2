import Core
import Fluent
import Foundation
import Vapor

/// Forking a public template: a five-minute reference bound to the person and the
/// template version, then a server built from exactly that version's spec.
struct ForkService: Sendable {
    let database: any Database
    let clock: AppClock
    let current: CurrentUser
    let signer: ForkReferenceSigner
    let random: AppRandom
    let servers: ServerService

    /// What a reference lets its holder fork.
    struct Offer: Sendable {
        let reference: ForkReference
        let template: Template
        let version: TemplateVersion
        let spec: ServerSpec
    }

    /// What a fork's creation takes besides the reference: a new name or slug, and the secrets.
    struct Creation: Sendable {
        var name: String?
        var slug: String?
        var secrets: [String: String]

        /// The slug as typed, when one was.
        var chosenSlug: String? {
            guard let slug = slug?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !slug.isEmpty else { return nil }
            return slug
        }
    }

    /// A reference to the latest version of the public template `slug`.
    func reference(slug: String) async throws -> (token: String, offer: Offer) {
        let template = try await TemplateAccess(database: database, viewerOrganization: current.organization.id).visible(slug)
        try Self.checkForkable(template, isOwner: template.$organization.id == current.organization.id)
        guard let version = try await TemplateVersion.query(on: database).filter(\.$template.$id == template.id!)
            .filter(\.$number == template.latestVersion).first()
        else { throw TemplateAccess.notFound }
        let (token, reference) = signer.issue(user: current.user.id!, template: template.id!, version: version.id!,
                                              now: clock.now(), nonce: random.token(bytes: 12))
        return (token, Offer(reference: reference, template: template, version: version, spec: try SpecJSON.decode(version.specJSON)))
    }

    /// The template version `token` names, if the reference is genuine, the caller's and
    /// unexpired, and the template is still public.
    func resolve(_ token: String) async throws -> Offer {
        let reference: ForkReference
        do {
            reference = try signer.verify(token, user: current.user.id!, now: clock.now())
        } catch {
            throw Self.apiError(error)
        }
        return try await offer(for: reference)
    }

    private func offer(for reference: ForkReference) async throws -> Offer {
        guard let template = try await Template.find(reference.template, on: database) else { throw TemplateAccess.notFound }
        guard let version = try await TemplateVersion.find(reference.version, on: database),
              version.$template.id == template.id
        else { throw Self.apiError(.mismatch) }
        try Self.checkForkable(template, isOwner: template.$organization.id == current.organization.id)
        return Offer(reference: reference, template: template, version: version, spec: try SpecJSON.decode(version.specJSON))
    }

    /// How long after expiring a reference may still be renewed from the wizard's form: someone who went to
    /// create an API key for it should not lose what they typed, and nothing was forked meanwhile.
    static let renewalGrace: TimeInterval = 24 * 3600

    /// A fresh reference to the same template version, for an expired but genuine reference of the caller's
    /// (within `renewalGrace`) whose template can still be forked; nil otherwise.
    func renewed(_ token: String) async throws -> (token: String, offer: Offer)? {
        guard let old = try? signer.verify(token, user: current.user.id!, now: clock.now(), grace: Self.renewalGrace) else { return nil }
        let (fresh, reference) = signer.issue(user: old.user, template: old.template, version: old.version,
                                              now: clock.now(), nonce: random.token(bytes: 12))
        return (fresh, try await offer(for: reference))
    }

    /// Creates the fork and queues its first build; the template's spec as published,
    /// with only the name and slug the person chose. Without a chosen slug it takes the first free `base-N`,
    /// looked for again when another fork made at the same moment took it first.
    func create(_ offer: Offer, _ creation: Creation) async throws -> (HostedServer, Build) {
        let origin = ForkOrigin(templateID: offer.template.id!, versionID: offer.version.id!, templateSlug: offer.template.slug,
                                versionNumber: offer.version.number)
        var attempt = 0
        while true {
            let spec = try await spec(of: offer, creation)
            do {
                return try await servers.create(.init(spec: spec, secrets: creation.secrets, fork: origin))
            } catch let error as APIError where error.code == "slug_taken" && creation.chosenSlug == nil && attempt < 8 {
                attempt += 1
            }
        }
    }

    /// The server `create` would make: the template's spec with the chosen name and slug.
    func spec(of offer: Offer, _ creation: Creation) async throws -> ServerSpec {
        var spec = offer.spec
        if let name = creation.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty { spec.name = name }
        if let chosen = creation.chosenSlug { spec.slug = chosen } else { spec.slug = try await suggestedSlug(spec.slug) }
        return spec
    }

    /// `base`, or the first numbered form of it no server of the workspace has (exact forms, as a long base's are cut).
    func suggestedSlug(_ base: String) async throws -> String {
        let organization = try current.organization.requireID()
        return try await NumberedSlug.firstFree(base, maxLength: ForkSlug.maxLength) { forms in
            Set(try await HostedServer.query(on: database).filter(\.$organization.$id == organization).filter(\.$slug ~~ forms).all(\.$slug))
        }
    }

    /// Only a public template can be forked; the owner is told why, others see no such template.
    static func checkForkable(_ template: Template, isOwner: Bool) throws {
        guard template.status != .public else { return }
        throw notForkable(template, isOwner: isOwner)
    }

    static func notForkable(_ template: Template, isOwner: Bool) -> APIError {
        switch template.status {
        case .takedown: TemplateAccess.takenDown(template)
        case .public, .hidden, .draft:
            isOwner ? APIError(.conflict, "template_not_public", "Only public templates can be forked. Share it first.")
                : TemplateAccess.notFound
        }
    }

    static func apiError(_ failure: ForkReferenceSigner.Failure) -> APIError {
        switch failure {
        case .malformed:
            APIError(.badRequest, "fork_ref_invalid", "This is not a fork reference. Press Fork on the template's page to get one.")
        case .mismatch:
            APIError(.conflict, "fork_ref_mismatch", "This fork reference was made for someone else or another template version. Press Fork on the template's page again.")
        case .expired:
            APIError(.gone, "fork_ref_expired", "This fork reference has expired (they last five minutes). Press Fork on the template's page again.")
        }
    }
}

extension Request {
    /// Forking templates into `current`'s workspace.
    func forks(_ current: CurrentUser) -> ForkService {
        ForkService(database: db, clock: application.clock, current: current,
                    signer: ForkReferenceSigner(sessionSecret: application.config.sessionSecret), random: application.random,
                    servers: servers(current))
    }
}
