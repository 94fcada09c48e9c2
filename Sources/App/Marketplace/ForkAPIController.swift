import Core
import Foundation
import Vapor

/// `POST /v1/templates/{slug}/fork` (a reference) and the fork branch of `POST /v1/servers`.
enum ForkAPIController {
    struct ReferenceAnswer: Content {
        struct TemplateInfo: Content {
            let slug: String
            let title: String
            let version: Int
        }

        let forkRef: String
        let expiresAt: Date
        let template: TemplateInfo
        /// The fork wizard with this reference, for a person to finish in a browser.
        let wizardUrl: String
    }

    static func reference(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let slug = req.parameter(.template, as: String.self) ?? ""
        let (token, offer) = try await req.forks(current).reference(slug: slug)
        let answer = ReferenceAnswer(
            forkRef: token, expiresAt: offer.reference.expiresAt,
            template: .init(slug: offer.template.slug, title: offer.template.title, version: offer.version.number),
            wizardUrl: req.accounts.publicURL + SiteRoute.forkWizard.path(QueryString([("ref", token)])))
        return try req.json(answer, status: .created).noStore()
    }

    /// Fields of a creation body that would change the spec: a fork builds the template's
    /// spec as published, and changes come afterwards with Iterate.
    static let specFields: Set<String> = ["spec", "specEdit", "tools", "description", "requiredSecrets", "allowedDomains"]

    static let specEditForbidden = APIError(
        .badRequest, "spec_edit_forbidden_on_fork",
        "A fork builds the template's spec exactly as published; only the name, slug and secrets can be set. Change tools after the build with Iterate on the server's page.")

    /// `POST /v1/servers {forkRef, name?, slug?, secrets}`.
    static func create(_ req: Request, _ current: CurrentUser, _ body: ServersAPIController.CreateRequest, forkRef: String) async throws -> Response {
        // Two ways to make a server at once is the first mistake to name: a draft's edits are no fork's business.
        guard body.previewId == nil else {
            throw APIError(.unprocessableEntity, "invalid_request", "Send either forkRef or previewId, not both.")
        }
        let keys = (req.body.data.flatMap { try? JSONSerialization.jsonObject(with: Data(buffer: $0)) } as? [String: Any]).map { Set($0.keys) } ?? []
        guard body.spec == nil, body.specEdit == nil, keys.isDisjoint(with: specFields) else { throw specEditForbidden }
        let forks = req.forks(current)
        let offer = try await forks.resolve(forkRef)
        let (server, build) = try await forks.create(offer, .init(name: body.name, slug: body.slug, secrets: body.secrets ?? [:]))
        return try req.json(ServersAPIController.ServerInfo(server, publicURL: req.accounts.publicURL, build: build.id, buildStatus: build.status), status: .created).noStore()
    }
}
