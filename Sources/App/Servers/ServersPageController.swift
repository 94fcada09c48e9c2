import Fluent
import Foundation
import Vapor

/// `/servers`: the workspace's servers.
enum ServersPageController {
    static func list(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let servers = try await req.servers(current).list()
        let formatter = DateFormatter.utc("d MMM yyyy")
        try await req.application.hosting.calls.flush(on: req.db)
        let counts = try await callsPerDay(servers.compactMap(\.id), now: req.application.clock.now(), on: req.db)
        let notice = (try? req.query.get(String.self, at: "deleted")).map { "Deleted “\($0)”. Its endpoint no longer answers." }
        let view = ServerListView(
            servers: servers.map {
                .init(href: SiteRoute.server(.value($0.id!)).path, name: $0.name, slug: $0.slug, description: $0.description, status: $0.status.label,
                      statusClass: "status-\($0.status.rawValue)", created: formatter.string(from: $0.createdAt),
                      sparkline: Self.sparkline(counts[$0.id!] ?? []),
                      callsSummary: Self.callsSummary((counts[$0.id!] ?? []).reduce(0, +)))
            },
            newHref: SiteRoute.newServer.path,
            notice: notice
        )
        return try await AppShellBuilder.page(req, current, "servers", title: "Servers", active: .servers, view)
    }
}

extension ServersPageController {
    static let sparkDays = 14

    /// Calls per UTC day, oldest first, for each server over the last 14 days.
    static func callsPerDay(_ servers: [UUID], now: Date, on database: any Database) async throws -> [UUID: [Int]] {
        guard !servers.isEmpty else { return [:] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        let start = calendar.date(byAdding: .day, value: -(sparkDays - 1), to: today)!
        let calls = try await ToolCallRecord.query(on: database).filter(\.$server.$id ~~ servers).filter(\.$at >= start).all()
        var counts: [UUID: [Int]] = [:]
        for call in calls {
            let day = calendar.dateComponents([.day], from: start, to: call.at).day ?? 0
            guard (0..<sparkDays).contains(day) else { continue }
            counts[call.$server.id, default: [Int](repeating: 0, count: sparkDays)][day] += 1
        }
        return counts
    }

    static func callsSummary(_ total: Int) -> String {
        "\(total) call\(total == 1 ? "" : "s") in the last \(sparkDays) days"
    }

    /// Points for a 70×20 polyline; a flat line when there were no calls.
    static func sparkline(_ counts: [Int]) -> String {
        let values = counts.isEmpty ? [Int](repeating: 0, count: sparkDays) : counts
        let peak = max(1, values.max() ?? 0)
        return values.enumerated().map { index, value in
            "\(index * 70 / (sparkDays - 1)),\(19 - value * 18 / peak)"
        }.joined(separator: " ")
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
