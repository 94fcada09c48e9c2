import Foundation

/// The tabs of a server's page. Each is a page of its own (a real URL that works
/// without JavaScript), so a phone shows one short page at a time instead of one
/// long scroll, and a form posted from a tab comes back to it.
enum ServerTab: String, CaseIterable, Sendable {
    case overview, tools, playground, logs, secrets, versions, settings

    var page: ServerPage {
        switch self {
        case .overview: .overview
        case .tools: .tools
        case .playground: .playground
        case .logs: .logs
        case .secrets: .secrets
        case .versions: .versions
        case .settings: .settings
        }
    }

    var title: String {
        switch self {
        case .overview: "Overview"
        case .tools: "Tools"
        case .playground: "Playground"
        case .logs: "Logs"
        case .secrets: "Secrets"
        case .versions: "Versions"
        case .settings: "Settings"
        }
    }

    /// The script a tab needs (a logical path under `Public/`); the others need none.
    var script: String? {
        switch self {
        case .overview, .logs: "js/server-live.js"
        case .settings: "js/server-settings.js"
        // The Playground's tool picker waits for its Choose button: a form that reloads while the
        // arrow keys move through the list changes the page under the keyboard (WCAG 3.2.2).
        case .tools, .playground, .secrets, .versions: nil
        }
    }

    /// Ids of the sections this tab holds that used to be anchors on the single long page:
    /// an old link such as `/servers/{id}#secrets-title` still finds its tab (server-live.js).
    var anchors: [String] {
        switch self {
        case .overview: ["endpoint-title", "build-title", "install-title", "marketplace", "share-template"]
        case .tools: ["tools-title"]
        case .playground: ["playground-title", "playground-result"]
        case .logs: ["calls-title"]
        case .secrets: ["secrets-title"]
        case .versions: ["versions-title", "iterate-title"]
        case .settings: ["settings-title", "danger-title"]
        }
    }

    func path(_ server: UUID) -> String {
        SiteRoute.server(.value(server), page).path
    }

    /// A page of a paged tab (Logs); page 1 is the tab's own address.
    func path(_ server: UUID, page number: Int) -> String {
        number <= 1 ? path(server) : SiteRoute.server(.value(server), page).path(QueryString([("page", String(number))]))
    }
}
