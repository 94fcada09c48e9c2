import Core
import Foundation
import Vapor

extension Request {
    /// Renders one tab of a server's page (also after a failed form action, with its error
    /// and what was typed), from one load of its data.
    func renderServerPage(_ current: CurrentUser, _ server: HostedServer, tab: ServerTab, notice: String? = nil, error: String? = nil,
                       playground: ServerPageView.PlaygroundResult? = nil, selectedTool: String? = nil, arguments: String = "",
                       posted: [String: String] = [:], specProblems: [String] = [], deleteError: String? = nil, installToken: String? = nil,
                       status: HTTPStatus = .ok) async throws -> Response {
        let id = server.id!
        let serverID = Parameter.value(id)
        let callsPage = min(max((try? query.get(Int.self, at: "page")) ?? 1, 1), ServerPageQuery.maxCallsPage)
        // The endpoint is the OAuth resource identifier too; one function spells both.
        let endpoint = OAuthURLs(base: accounts.publicURL).resource(id)
        let data = try await ServerPageQuery(database: db, clock: application.clock, hosting: application.hosting,
                                             secretBox: application.secretBox).load(server, callsPage: tab == .logs ? callsPage : nil)
        let (versions, spec, build, lines, calls, setKeys) = (data.versions, data.spec, data.build, data.buildLines, data.calls, data.secretKeys)
        let listed = MCPToolList(spec: spec).tools
        let chosen = selectedTool ?? (try? query.get(String.self, at: "tool")) ?? listed.first?.name ?? ""
        let chosenSchema = listed.first { $0.name == chosen }?.inputSchema ?? ["type": "object"]
        let liveVersion = versions.first { $0.id == server.activeVersionID }?.number
        var view = ServerPageView(
            csrf: csrfToken(accounts.cookies),
            tab: tab.rawValue,
            tabs: ServerTab.allCases.map {
                .init(href: $0.path(id), title: $0.title, isCurrent: $0 == tab, anchors: $0.anchors.joined(separator: " "))
            },
            fromWizard: (try? query.get(String.self, at: "from")) == "wizard",
            id: id.uuidString.lowercased(), name: server.name, slug: server.slug, description: server.description,
            status: server.status.label, statusClass: "status-\(server.status.rawValue)",
            isBuilding: server.status == .building,
            hasLiveVersion: server.activeVersionID != nil,
            endpoint: endpoint,
            buildLogHref: tab == .overview ? build.map { SiteRoute.api(.buildLog(server: serverID, build: .value($0.id!))).path } : nil,
            // Only the first page is live: new calls arrive at its top.
            callsStreamHref: tab == .logs && callsPage == 1 ? SiteRoute.api(.callsStream(serverID)).path : nil,
            callsPage: callsPage,
            callsPerPage: ServerPageQuery.callsPerPage,
            olderCallsHref: data.hasOlderCalls ? ServerTab.logs.path(id, page: callsPage + 1) : nil,
            newerCallsHref: callsPage > 1 ? ServerTab.logs.path(id, page: callsPage - 1) : nil,
            buildStatus: build.map { $0.status.rawValue },
            buildLines: lines.map { .init(level: $0.level, message: $0.message) },
            liveVersion: liveVersion,
            versionsHref: ServerTab.versions.path(id),
            rolledBackNote: build.flatMap { build in
                guard build.status == .succeeded, let built = build.versionNumber, let liveVersion, built != liveVersion else { return nil }
                return "Version \(liveVersion) is live now: it was activated after this build, which made version \(built)."
            },
            snippets: InstallSnippets.all(name: server.name, slug: server.slug, endpoint: endpoint, token: installToken),
            tokensHref: SiteRoute.settings.path(fragment: "tokens-title"),
            // The answer is a page rendered at the form's address: the fragment brings it to the new token, on a
            // phone otherwise below the fold (WCAG 2.4.3).
            installTokenAction: SiteRoute.server(serverID, .installToken).path + "#install-title",
            installToken: installToken,
            tools: listed.map {
                .init(name: $0.name, description: $0.description, schema: SpecJSON.pretty($0.inputSchema), isSelected: $0.name == chosen,
                      playgroundHref: SiteRoute.server(serverID, .playground).path(QueryString([("tool", $0.name)])))
            },
            playgroundAction: SiteRoute.server(serverID, .playground).path + "#playground-result",
            playgroundTool: chosen,
            playgroundFields: PlaygroundForm.fields(for: chosenSchema, values: posted),
            selectAction: SiteRoute.server(serverID, .playground).path,
            playgroundArguments: arguments,
            playground: playground,
            calls: calls.map {
                .init(at: TimeText.logRow($0.at), tool: $0.tool, outcome: $0.outcome, outcomeClass: $0.outcome == "ok" ? "status-active" : "status-failed",
                      duration: String(format: "%.1f ms", $0.durationMilliseconds), error: $0.errorMessage)
            },
            // The live version's secrets, then those only the spec last asked for declares (a build in progress, or
            // one that failed, needs them set first): the tab offers every key the server may run with.
            secrets: (spec.requiredSecrets + server.pendingSecrets(live: spec)).map {
                .init(key: $0.key, description: $0.description, isSet: setKeys.contains($0.key))
            },
            missingSecrets: .init(missing: spec.requiredSecrets.map(\.key).filter { !setKeys.contains($0) },
                                  href: SiteRoute.server(serverID, .secrets).path),
            secretAction: SiteRoute.server(serverID, .secrets).path,
            unusedSecrets: setKeys.subtracting(server.declaredSecretKeys(live: spec)).sorted(),
            versions: versions.map {
                .init(number: $0.number, diffHref: SiteRoute.server(serverID, .version(.value($0.number))).path, created: TimeText.minute($0.createdAt), isActive: $0.id == server.activeVersionID,
                      rollbackAction: $0.id == server.activeVersionID ? nil : SiteRoute.server(serverID, .activateVersion(.value($0.number))).path)
            },
            deleteAction: SiteRoute.server(serverID, .delete).path,
            deleteConfirm: posted["confirm"] ?? "",
            deleteError: deleteError,
            iterateAction: SiteRoute.server(serverID, .iterate).path,
            settingsAction: SiteRoute.server(serverID, .settings).path,
            baseVersion: server.activeVersionID?.uuidString.lowercased() ?? "",
            settingsName: posted["name"] ?? server.name,
            domains: posted["domains"] ?? spec.allowedDomains.joined(separator: "\n"),
            iterateChange: posted["change"] ?? "",
            specAction: SiteRoute.server(serverID, .spec).path,
            specText: posted["spec"] ?? SpecJSON.pretty(spec),
            specProblems: specProblems,
            drafterLabel: drafts(current).choice.label,
            publish: try await publishSection(current, server),
            notice: notice, error: error,
            templateUpdate: try await TemplateUpdateBanner.load(server, on: db),
            takedown: try await TakedownBannerView.load(for: server, on: db),
            script: tab.script.map { site.script($0) }
        )
        view.once = FormOnce.value(self)
        let title = tab == .overview ? server.name : "\(tab.title) · \(server.name)"
        return try await AppShellBuilder.page(self, current, "Servers/server", title: title, active: .servers, view, status: status)
    }
}
