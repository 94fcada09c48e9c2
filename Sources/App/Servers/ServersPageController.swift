import Core
import Fluent
import Foundation
import Vapor

/// `/servers`: the workspace's servers.
enum ServersPageController {
    static func list(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let servers = try await req.servers(current).list()
        let query = ServerListPageQuery(database: req.db, hosting: req.application.hosting)
        let counts = try await query.callsPerDay(servers.compactMap(\.id), now: req.application.clock.now())
        // Only a slug, and not one of a server still here: the address cannot make the page say something else.
        let deleted = (try? req.query.get(String.self, at: "deleted")).flatMap { slug in
            SpecValidator.isValidSlug(slug) && !servers.contains { $0.slug == slug } ? slug : nil
        }
        let notice = deleted.map { "Deleted “\($0)”. Its endpoint no longer answers." }
        let stopped = try await TemplateTakedown.stopped(among: servers, on: req.db)
        let view = ServerListView(
            servers: servers.map {
                .init(href: SiteRoute.server(.value($0.id!)).path, name: $0.name, slug: $0.slug, description: $0.description,
                      status: stopped.contains($0.id!) ? "Stopped" : $0.status.label,
                      statusClass: stopped.contains($0.id!) ? "status-failed" : "status-\($0.status.rawValue)", created: TimeText.day($0.createdAt),
                      sparkline: ServerListView.sparkline(counts[$0.id!] ?? []),
                      callsSummary: ServerListView.callsSummary((counts[$0.id!] ?? []).reduce(0, +)))
            },
            newHref: SiteRoute.newServer.path,
            notice: notice
        )
        return try await AppShellBuilder.page(req, current, "Servers/servers", title: "Servers", active: .servers, view)
    }
}
