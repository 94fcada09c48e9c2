import Foundation

/// Every public URL of the site. Route registration, every link the app prints,
/// the sitemap and the static export all come from this one table.
enum SiteRoute: Hashable, Sendable {
    case home
    case pricing
    case docsIndex
    /// A docs page or section index; `path` is what follows `/docs/`.
    case docs(path: String)
    case changelog
    case changelogFeed
    case legal(LegalPage)
    case status
    case offline
    case sitemap
    case robots
    case searchIndex
    case webManifest
    case serviceWorker
    case healthz
    case readyz
    case login
    case loginEmail
    case loginCheckEmail
    case loginSMS
    case loginSMSVerify
    case magicLink
    case logout
    case dashboard
    case settings
    case admin
    case audit
    case devOutbox
    case devOutboxJSON
    case servers
    case newServer
    /// Wizard step 2 for a stored draft.
    case serverDraft(UUID)
    /// A server's page (status, build log, install, tools, playground, calls).
    case server(UUID)
    case oauthAuthorize

    enum LegalPage: String, CaseIterable, Sendable {
        case security, privacy, terms, agb
    }

    var path: String {
        switch self {
        case .home: "/"
        case .pricing: "/pricing"
        case .docsIndex: "/docs"
        case .docs(let path): "/docs/" + path
        case .changelog: "/changelog"
        case .changelogFeed: "/changelog/feed.xml"
        case .legal(let page): "/" + page.rawValue
        case .status: "/status"
        case .offline: "/offline"
        case .sitemap: "/sitemap.xml"
        case .robots: "/robots.txt"
        case .searchIndex: "/search-index.json"
        case .webManifest: "/manifest.webmanifest"
        case .serviceWorker: "/sw.js"
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        case .login: "/login"
        case .loginEmail: "/login/email"
        case .loginCheckEmail: "/login/check-email"
        case .loginSMS: "/login/sms"
        case .loginSMSVerify: "/login/sms/verify"
        case .magicLink: "/auth/magic"
        case .logout: "/logout"
        case .dashboard: "/dashboard"
        case .settings: "/settings"
        case .admin: "/admin"
        case .audit: "/audit"
        case .devOutbox: "/dev/outbox"
        case .devOutboxJSON: "/dev/outbox.json"
        case .servers: "/servers"
        case .newServer: "/servers/new"
        case .serverDraft(let id): "/servers/new/" + id.uuidString.lowercased()
        case .server(let id): "/servers/" + id.uuidString.lowercased()
        case .oauthAuthorize: "/oauth/authorize"
        }
    }

    /// Path components for registering the route with Vapor.
    var components: [String] {
        path.split(separator: "/").map(String.init)
    }

    /// Pages that a static host can serve: the same bytes for every visitor.
    /// Live data and everything about accounts stay on the app.
    var isExported: Bool {
        switch self {
        case .home, .pricing, .docsIndex, .docs, .changelog, .changelogFeed, .legal, .offline,
             .sitemap, .robots, .searchIndex, .webManifest, .serviceWorker: true
        default: false
        }
    }

    /// HTML pages listed in the sitemap.
    var isIndexable: Bool {
        switch self {
        case .home, .pricing, .docsIndex, .docs, .changelog, .legal: true
        default: false
        }
    }

    func url(base: String) -> String {
        base + path
    }

    /// Where the exported file for this route lives, relative to the export folder.
    /// Pages become `dir/index.html` so any static server maps `/dir` to them.
    var exportFile: String {
        let trimmed = String(path.dropFirst())
        if trimmed.isEmpty { return "index.html" }
        if trimmed.split(separator: "/").last?.contains(".") == true { return trimmed }
        return trimmed + "/index.html"
    }
}
