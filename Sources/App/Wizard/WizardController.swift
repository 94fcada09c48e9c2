import Core
import Drafting
import Foundation
import Vapor

/// `/servers/new`: step 1 (describe) and step 2 (review and edit the draft).
/// Every step works as a plain form post; `wizard.js` streams the draft and
/// checks fields as you type on top.
enum WizardController {
    static let examples = [
        "Weather forecasts for any city, and the current time there.",
        "Search my GitHub repositories' issues and open new ones.",
        "Read the latest items of any RSS or Atom feed.",
    ]

    static func promptPage(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let prefill = (try? req.query.get(String.self, at: "prompt")).map { String($0.prefix(PreviewInput.maxPromptCharacters)) }
        return try await renderPrompt(req, current, input: PreviewInput(prompt: prefill ?? "", name: nil, slug: nil), error: nil)
    }

    /// Without JS: drafts in one piece, then shows step 2.
    static func submitPrompt(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let input = try req.content.decode(PreviewInput.self)
        let service = req.drafts(current)
        do {
            let prepared = try service.prepare(input)
            let (draft, _) = try await service.draft(prepared)
            return req.redirect(to: SiteRoute.serverDraft(.value(draft.id!)).path, redirectType: .normal)
        } catch let error as APIError {
            return try await renderPrompt(req, current, input: input, error: error.reason, status: error.status).carrying(error)
        }
    }

    static func renderPrompt(_ req: Request, _ current: CurrentUser, input: PreviewInput, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let service = req.drafts(current)
        let choice = service.choice
        let quota = try await service.quota()
        let serverLimit = try await req.servers(current).serverLimitReached(plan: current.plan)
        let view = WizardPromptView(
            csrf: req.csrfToken(req.accounts.cookies),
            action: SiteRoute.newServer.path,
            streamAction: SiteRoute.api(.previewStream).path,
            patternsHref: SiteRoute.api(.secretPatterns).path,
            slugCheckHref: SiteRoute.api(.slugAvailability).path,
            prompt: input.prompt,
            name: input.name ?? "",
            slug: input.slug ?? "",
            error: error,
            drafterLabel: choice.label,
            isOffline: choice.drafter.isOffline,
            offlineTopics: OfflineDrafter.knownTopics.joined(separator: ", "),
            draftsLeft: quota.remaining,
            draftsLimit: quota.plan.dailyDrafts,
            planName: quota.plan.name,
            quotaReached: quota.remaining == 0,
            resetNote: "Quotas reset at 00:00 UTC.",
            // Drafting still works (an iteration, a look at what would be made), but a build would be refused.
            serverLimitNote: serverLimit.map { $0 + " You can still draft, but not build, until then." },
            billingHref: SiteRoute.billing().path,
            examples: examples.map {
                .init(text: $0, href: SiteRoute.newServer.path(QueryString([("prompt", $0)])))
            },
            maxPromptCharacters: PreviewInput.maxPromptCharacters,
            script: req.site.script("js/wizard.js")
        )
        return try await AppShellBuilder.page(req, current, "Wizard/wizard-prompt", title: "New server", active: .newServer, view, status: status)
    }

    static func reviewPage(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let draft: Draft
        switch try await findDraft(req, current) {
        case .found(let found): draft = found
        case .page(let page): return page
        }
        let form = ReviewForm(spec: try SpecJSON.decode(draft.editedSpecJSON ?? draft.specJSON))
        return try await renderReview(req, current, draft: draft, form: form, error: nil)
    }

    static func submitReview(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.drafts(current)
        let draft: Draft
        switch try await findDraft(req, current) {
        case .found(let found): draft = found
        case .page(let page): return page
        }
        let original = try SpecJSON.decode(draft.specJSON)
        let fields = try req.content.decode([String: String].self)
        var form = ReviewForm(fields: fields, draft: original, carry: req.formSecretCarry(current, .wizard))

        switch fields["action"] {
        case "reset":
            try await service.resetEdits(draft)
            return req.redirect(to: SiteRoute.serverDraft(.value(draft.id!)).path, redirectType: .normal)
        case "add_secret":
            // What was typed so far is kept with the draft (a reload or reopening shows it), when it reads as a spec.
            if let edit = form.edit(), let spec = try? original.applying(edit) {
                _ = try await service.keepEdited(spec, of: draft, secretValues: Array(form.secretValues.values))
            }
            form.secrets.append(.init(key: "", description: "", howToGetUrl: "", value: ""))
            return try await renderReview(req, current, draft: draft, form: form, error: nil)
        default:
            break
        }

        guard let edit = form.edit() else {
            return try await renderReview(req, current, draft: draft, form: form, error: "Some fields need attention.", status: .unprocessableEntity)
        }
        let spec: ServerSpec
        do {
            spec = try original.applying(edit)
        } catch {
            return try await renderReview(req, current, draft: draft, form: form, error: error.description, status: .unprocessableEntity)
        }
        let problems = try await service.keepEdited(spec, of: draft, secretValues: Array(form.secretValues.values))
        guard problems.isEmpty else {
            form.attach(problems)
            return try await renderReview(req, current, draft: draft, form: form, error: "Some fields need attention.", status: .unprocessableEntity)
        }
        do {
            let (server, _) = try await req.servers(current).create(.init(spec: spec, secrets: form.secretValues))
            return req.redirect(to: SiteRoute.server(.value(server.id!)).path(QueryString([("from", "wizard")])), redirectType: .normal)
        } catch let error as APIError {
            // Sent twice (a double click): the first made the server, and the second shows it, where it would be
            // refused for the slug (or the plan's server limit) that very server takes.
            if let made = try await req.servers(current).justCreated(spec) {
                return req.redirect(to: SiteRoute.server(.value(made.id!)).path(QueryString([("from", "wizard")])), redirectType: .normal)
            }
            if error.code == "slug_taken" { form.errors["slug"] = error.reason }
            return try await renderReview(req, current, draft: draft, form: form, error: error.reason, status: error.status).carrying(error)
        }
    }

    enum DraftLookup {
        case found(Draft)
        /// Step 1 again, explaining why the draft is gone (404 or 410).
        case page(Response)
    }

    static func findDraft(_ req: Request, _ current: CurrentUser) async throws -> DraftLookup {
        do {
            return .found(try await req.drafts(current).find(try draftID(req)))
        } catch let error as APIError {
            let input = PreviewInput(prompt: "", name: nil, slug: nil)
            return .page(try await renderPrompt(req, current, input: input, error: error.reason, status: error.status).carrying(error))
        }
    }

    static func draftID(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.draft, as: UUID.self) else {
            throw APIError(.notFound, "preview_not_found", "There is no such draft in this workspace.")
        }
        return id
    }

    static func renderReview(_ req: Request, _ current: CurrentUser, draft: Draft, form: ReviewForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let tools = form.tools.enumerated().map { index, tool in
            WizardReviewView.ToolCard(
                index: index, number: index + 1, name: tool.name, title: tool.title, description: tool.description, schema: tool.schemaText,
                hints: ReviewHints.fields.map { field in
                    let chosen = tool.hints.values[field.key] ?? ""
                    return .init(id: "tool-\(index)-hint-\(field.key)", name: "tool_\(index)_hint_\(field.key)", label: field.label,
                                 options: [("", field.unset), ("true", "Yes"), ("false", "No")].map { .init(value: $0.0, label: $0.1, isSelected: $0.0 == chosen) })
                },
                implementation: tool.implementation,
                nameError: form.errors["tool.\(index).name"], titleError: form.errors["tool.\(index).title"],
                hintsError: form.errors["tool.\(index).hints"], descriptionError: form.errors["tool.\(index).description"],
                schemaError: form.errors["tool.\(index).schema"], implementationError: form.errors["tool.\(index).implementation"])
        }
        let carry = req.formSecretCarry(current, .wizard)
        let secrets = form.secrets.enumerated().map { index, secret in
            WizardReviewView.SecretRow(
                index: index, number: index + 1, key: secret.key, description: secret.description, howToGetUrl: secret.howToGetUrl,
                linkHref: Self.safeLink(secret.howToGetUrl), sealedValue: carry.seal(secret.value), error: form.errors["secret.\(index)"])
        }
        let view = WizardReviewView(
            csrf: req.csrfToken(req.accounts.cookies),
            action: SiteRoute.serverDraft(.value(draft.id!)).path,
            backHref: SiteRoute.newServer.path,
            drafterLabel: draft.drafter,
            isOffline: draft.model == OfflineDrafter.modelName,
            isEdited: draft.editedSpecJSON != nil,
            name: form.name, slug: form.slug, description: form.description,
            nameError: form.errors["name"], slugError: form.errors["slug"], descriptionError: form.errors["description"],
            domains: form.domainsText, domainsError: form.errors["domains"],
            tools: tools, secrets: secrets, secretCount: secrets.count,
            error: error ?? form.errors["form"],
            expiresNote: "Drafts are kept for 24 hours; this one until \(TimeText.minute(draft.expiresAt)).",
            supportedKeywords: JSONSchema.supportedKeywords.joined(separator: " "),
            slugCheckHref: SiteRoute.api(.slugAvailability).path,
            script: req.site.script("js/wizard-review.js")
        )
        return try await AppShellBuilder.page(req, current, "Wizard/wizard-review", title: "Review your server", active: .newServer, view, status: status)
    }

    /// Links from drafts are shown only when they are plain http(s) URLs.
    static func safeLink(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else { return nil }
        return text
    }
}
