import Core
import Foundation
import Vapor

/// The owner's side of `/v1/templates`: publish, list the workspace's own templates,
/// edit the listing, public ↔ hidden, publish a new version. Someone else's template
/// answers 404 here, whatever its status.
enum TemplatePublishAPIController {
    struct HintInput: Content {
        var description: String?
        var howToGetUrl: String?
    }

    struct PublishRequest: Content {
        var serverId: UUID
        var title: String?
        var category: String?
        var summary: String?
        var description: String?
        var secretHints: [String: HintInput]?
    }

    struct UpdateRequest: Content {
        var title: String?
        var category: String?
        var summary: String?
        var description: String?
        var secretHints: [String: HintInput]?
    }

    struct VisibilityRequest: Content {
        var shared: Bool
    }

    struct TemplateList: Encodable {
        let templates: [TemplateJSON]
    }

    static func publish(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(PublishRequest.self)
        let server = try await req.servers(current).find(body.serverId)
        let publisher = req.templatePublisher(current)
        let spec = try SpecJSON.decode(try await publisher.activeVersion(of: server).specJSON)
        let draft = TemplateListingText.Draft(
            title: body.title ?? server.name, category: body.category ?? "", summary: body.summary ?? TemplateListingText.suggestedSummary(server.description),
            description: body.description ?? "",
            secretHints: body.secretHints.map(hints) ?? TemplateListingText.suggestedHints(for: spec))
        return try await answering(req) {
            let template = try await publisher.publish(server, listing: draft)
            return try req.json(TemplateJSON(template, baseURL: req.accounts.publicURL), status: .created)
        }
    }

    static func mine(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let templates = try await req.templatePublisher(current).mine()
        return try req.json(TemplateList(templates: templates.map { TemplateJSON($0, baseURL: req.accounts.publicURL) })).noStore()
    }

    static func update(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.ownedForChange(try slug(req))
        let body = try req.content.decode(UpdateRequest.self)
        let existing = template.listing
        let draft = TemplateListingText.Draft(
            title: body.title ?? existing.title, category: body.category ?? existing.category.rawValue,
            summary: body.summary ?? existing.summary, description: body.description ?? existing.descriptionMarkdown,
            secretHints: body.secretHints.map(hints) ?? existing.secretHints)
        return try await answering(req) {
            try await publisher.update(template, listing: draft)
            return try req.json(TemplateJSON(template, baseURL: req.accounts.publicURL))
        }
    }

    static func visibility(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.owned(try slug(req))
        let body = try req.content.decode(VisibilityRequest.self)
        try await publisher.setShared(template, body.shared)
        return try req.json(TemplateJSON(template, baseURL: req.accounts.publicURL)).noStore()
    }

    static func publishVersion(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.ownedForChange(try slug(req))
        return try await answering(req) {
            _ = try await publisher.publishVersion(of: template)
            return try req.json(TemplateJSON(template, baseURL: req.accounts.publicURL), status: .created)
        }
    }

    // MARK: - Pieces

    static func hints(_ input: [String: HintInput]) -> [String: SecretHint] {
        input.mapValues { SecretHint(description: $0.description ?? "", howToGetURL: $0.howToGetUrl) }
    }

    static func slug(_ req: Request) throws -> String {
        guard let slug = req.parameter(.template, as: String.self) else { throw TemplateAccess.notFound }
        return slug
    }

    /// Runs `body`; a scan that blocks answers 422 `publish_blocked` with its findings.
    private static func answering(_ req: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body().noStore()
        } catch let blocked as PublishBlocked {
            return try req.json(blocked.body, status: .unprocessableEntity).noStore()
        }
    }
}
