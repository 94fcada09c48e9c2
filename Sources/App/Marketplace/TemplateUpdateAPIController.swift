import Core
import Foundation
import Vapor

/// `GET/POST /v1/servers/{id}/template-update`: what a fork's template offers, and applying it.
enum TemplateUpdateAPIController {
    struct Answer: Content {
        struct TemplateInfo: Content {
            let slug: String
            let title: String
        }

        struct Diff: Content {
            let spec: [LineDiff.Line]
            let code: [LineDiff.Line]
        }

        let available: Bool
        let template: TemplateInfo
        let currentVersion: Int
        let latestVersion: Int
        /// The fork's active version against the template's latest (empty when no update is offered).
        let diff: Diff
        /// Secrets the update declares that the fork does not have yet.
        let newSecrets: [String]
    }

    struct SecretsRequiredBody: Content {
        let error: String
        let message: String
        let keys: [String]
    }

    struct ApplyRequest: Content {
        var secrets: [String: String]?
    }

    static func show(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let check = try await req.templateUpdates(current).check(server)
        let proposed = check.proposed
        let answer = Answer(
            available: check.available,
            template: .init(slug: check.template.slug, title: check.template.title),
            currentVersion: check.currentNumber,
            latestVersion: TemplateUpdateService.visibleLatest(check.template, server, currentNumber: check.currentNumber),
            diff: .init(spec: proposed.map { TemplateUpdateDiff.spec(check.active, $0) } ?? [],
                        code: proposed.map { TemplateUpdateDiff.code(check.active, $0) } ?? []),
            newSecrets: check.newSecrets.map(\.key))
        return try req.json(answer).noStore()
    }

    static func apply(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let body = req.body.data == nil ? ApplyRequest() : try req.content.decode(ApplyRequest.self)
        do {
            let build = try await req.templateUpdates(current).apply(server, secrets: body.secrets ?? [:])
            return try req.json(ServersAPIController.ServerInfo(server, publicURL: req.accounts.publicURL, build: build.id, buildStatus: build.status), status: .accepted).noStore()
        } catch let required as TemplateUpdateService.SecretsRequired {
            return try req.json(SecretsRequiredBody(error: "secret_required", message: required.message, keys: required.keys),
                                status: .unprocessableEntity).noStore()
        }
    }
}
