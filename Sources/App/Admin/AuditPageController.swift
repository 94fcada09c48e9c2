import Fluent
import Foundation
import Vapor

/// `/audit`: the organization's audit log for people, with the same filters and
/// cursors as `GET /v1/audit`; `/admin/audit`: the events of no workspace, for platform administrators.
enum AuditPageController {
    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let onlyActor = try await AuditVisibility.onlyActor(current, on: req.db)
        return try await render(req, current, .organization(current.organization.id!), onlyActor: onlyActor, at: .audit,
                                lede: "Every sign-in, failed sign-in and change in this workspace. Times are UTC.",
                                scopeNote: onlyActor == nil ? nil : "You see the events you caused. The workspace's owners see everyone's.")
    }

    static func platformPage(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        return try await render(req, current, .platform, onlyActor: nil, at: .adminAudit,
                                lede: "Events that belong to no workspace: sign-in attempts for addresses with no account, links that were never sent or no longer work, changes made with the bmm command, such as granting administrator rights, and every administrator's action on a workspace (suspensions, plan overrides, template moderation), with who did it. Times are UTC.",
                                scopeNote: nil)
    }

    private static func render(_ req: Request, _ current: CurrentUser, _ scope: AuditScope, onlyActor: UUID?, at route: SiteRoute,
                               lede: String, scopeNote: String?) async throws -> Response {
        let data = try await AuditPageQuery(database: req.db).load(scope, onlyActor: onlyActor, .init(req))
        let (events, next, names) = (data.events, data.nextCursor, data.actorNames)
        let formatter = ISO8601DateFormatter()
        // `limit` too, so the next page is as long as this one.
        let filters = ["action", "actor", "resource", "from", "to", "limit"].reduce(into: [String: String]()) { result, key in
            result[key] = req.query[String.self, at: key] ?? ""
        }
        var nextHref: String?
        if let next {
            let query = filters.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("cursor", next)]
            nextHref = route.path(QueryString(query))
        }
        let view = AuditView(
            title: route == .adminAudit ? "Platform audit log" : "Audit log",
            lede: lede,
            action: route.path,
            scopeNote: scopeNote,
            filters: .init(action: filters["action"]!, actor: filters["actor"]!, resource: filters["resource"]!,
                           from: filters["from"]!, to: filters["to"]!),
            actions: AuditView.knownActions,
            events: events.map { event in
                let metadata = event.metadataValues
                return AuditView.Row(
                    time: formatter.string(from: event.createdAt),
                    timeLabel: TimeText.second(event.createdAt),
                    action: event.action,
                    tone: tone(event.action),
                    actor: event.actorUserID.flatMap { names[$0] } ?? (event.actorUserID == nil && !event.actorDeleted ? "System" : "Deleted account"),
                    actorFilterHref: event.actorUserID.map { route.path(QueryString([("actor", $0.uuidString)])) },
                    resource: [event.resourceType, event.resourceID.map { String($0.prefix(8)) }].compactMap { $0 }.joined(separator: " "),
                    resourceFilterHref: event.resourceID.map { route.path(QueryString([("resource", $0)])) },
                    ip: event.ip ?? "",
                    metadata: metadata.isEmpty ? "" : String(decoding: (try? sortedJSON(metadata)) ?? Data(), as: UTF8.self)
                )
            },
            nextHref: nextHref,
            resetHref: route.path
        )
        return try await AppShellBuilder.page(req, current, "Admin/audit", title: view.title, active: route == .adminAudit ? .admin : .audit, view)
    }

    /// Pill colour: failures red, deletions and suspensions amber, the rest neutral.
    static func tone(_ action: String) -> String {
        if action.contains("failed") { return "danger" }
        if action.contains("deleted") || action.contains("revoked") || action.contains("suspended") { return "warn" }
        if action.contains("created") || action.contains("signed_in") || action.contains("granted") { return "ok" }
        return "neutral"
    }

    private static func sortedJSON(_ value: [String: String]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
