import Core
import Fluent
import Foundation
import Vapor

extension TemplatePublisher {
    /// The listing a server suggests before anyone typed: its name, description and
    /// tools, and each secret's own description and link.
    static func suggestedDraft(_ server: HostedServer, spec: ServerSpec) -> TemplateListingText.Draft {
        let summary = TemplateListingText.suggestedSummary(server.description)
        var description = summary.isEmpty ? "" : summary + "\n\n"
        description += "## Tools\n\n" + spec.tools.map { "- `\($0.name)`: \($0.description)" }.joined(separator: "\n")
        return TemplateListingText.Draft(title: server.name, category: TemplateCategory.other.rawValue, summary: summary,
                                     description: description, secretHints: TemplateListingText.suggestedHints(for: spec))
    }

    /// What a server's page and its Publish page show of the marketplace. `form` is the
    /// listing form to show (nil: none), with what was typed and what went wrong.
    func section(for server: HostedServer, csrf: String, wizardBox: Bool, withForm: Bool,
                 draft: TemplateListingText.Draft? = nil, error: APIError? = nil, findings: [SpecFinding] = []) async throws -> PublishSectionView {
        let serverID = Parameter.value(server.id!)
        let publishPath = SiteRoute.server(serverID, .publish).path
        let live = try await server.activeVersionID.asyncFlatMap { try await ServerVersion.find($0, on: database) }
        var published: PublishSectionView.Published?
        if let template = try await template(publishedFrom: server) {
            var differs = false
            if let live, let latest = try await latestVersion(of: template) {
                differs = try SpecJSON.decode(live.specJSON) != SpecJSON.decode(latest.specJSON)
            }
            let slug = Parameter.value(template.slug)
            published = .init(
                title: template.title, href: SiteRoute.template(slug).path, editHref: SiteRoute.template(slug, .edit).path,
                status: template.status.label, statusClass: template.status.badgeClass,
                isTakenDown: template.status == .takedown, latestVersion: template.latestVersion,
                nextVersionSource: differs && template.status != .takedown ? live?.number : nil,
                nextVersion: template.latestVersion + 1, versionAction: publishPath)
        }
        var form: PublishFormView?
        if withForm, published == nil, let live {
            let spec = try SpecJSON.decode(live.specJSON)
            form = PublishFormView(action: publishPath, csrf: csrf, fromWizard: wizardBox,
                                   draft: draft ?? Self.suggestedDraft(server, spec: spec), spec: spec,
                                   submitLabel: "Publish template", error: error?.reason, errorCode: error?.code, findings: findings)
        }
        return PublishSectionView(href: publishPath, isReady: live != nil, template: published,
                                  showsWizardBox: wizardBox && published == nil, form: form)
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension Request {
    /// The marketplace section of `server`'s page: on the wizard's done page (`?from=wizard`)
    /// the "Share as template" box, elsewhere a link to the Publish page.
    func publishSection(_ current: CurrentUser, _ server: HostedServer) async throws -> PublishSectionView {
        let wizard = (try? query.get(String.self, at: "from")) == "wizard"
        return try await templatePublisher(current).section(for: server, csrf: csrfToken(accounts.cookies), wizardBox: wizard, withForm: wizard)
    }
}
