import Foundation
import Vapor

/// `/servers`: the workspace's servers.
enum ServersPageController {
    static func list(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let servers = try await ServerService(req: req, current: current).list()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy"
        let notice = (try? req.query.get(String.self, at: "deleted")).map { "Deleted “\($0)”. Its endpoint no longer answers." }
        let view = ServerListView(
            servers: servers.map {
                .init(href: SiteRoute.server($0.id!).path, name: $0.name, slug: $0.slug, description: $0.description, status: $0.status.label,
                      statusClass: "status-\($0.status.rawValue)", created: formatter.string(from: $0.createdAt))
            },
            newHref: SiteRoute.newServer.path,
            notice: notice
        )
        return try await AppShellBuilder.page(req, current, "servers", title: "Servers", active: .servers, view)
    }
}

extension HostedServer.Status {
    var label: String {
        switch self {
        case .draft: "Draft"
        case .building: "Building"
        case .active: "Live"
        case .failed: "Build failed"
        }
    }
}
