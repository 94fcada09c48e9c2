import Core
import Fluent
import Foundation
import SQLKit

/// The marketplace listing: one query for the tabs (trending, top, newest), the
/// category filter, full-text search and keyset pages, on PostgreSQL and SQLite.
/// Every value that comes from a visitor is a bound parameter.
struct TemplateListing: Sendable {
    /// Whose templates to list.
    enum Scope: Sendable, Equatable {
        /// Public templates, for everyone.
        case everyone
        /// Every template of one workspace, whatever its status (the "Mine" view).
        case workspace(UUID)
    }

    struct Query: Sendable {
        var scope: Scope = .everyone
        var sort: TemplateSort = .trending
        var category: TemplateCategory?
        var search = TemplateSearchQuery("")
        var cursor: TemplateCursor?
    }

    static let pageSize = 20

    let database: any Database
    let now: Date

    func page(_ query: Query, size: Int = Self.pageSize) async throws -> (cards: [TemplateCard], next: TemplateCursor?) {
        guard let sql = database as? any SQLDatabase else { return ([], nil) }
        let isPostgres = sql.dialect.name == "postgresql"
        // Every page of one walk measures ages at the same moment.
        let at = query.cursor?.at ?? now.timeIntervalSince1970
        // 1. `base`: the templates in scope with their live forks, counted once for all of them
        // (newest does not rank by them, so it counts them for the page's rows only);
        // 2. `ranked`: each one's sort value; 3. one page of ids in order; only those rows are
        // then joined to their listing fields and authors.
        let ranksByUse = query.sort != .newest
        var text: SQLQueryString = "WITH base AS MATERIALIZED (SELECT t.id, t.forks, t.created_at, "
        if ranksByUse {
            text += """
                COALESCE(d.active, 0) AS active FROM templates t
                LEFT JOIN (SELECT s.template_id, COUNT(DISTINCT s.organization_id) AS active \(TemplateDeployments.liveForks)
                GROUP BY s.template_id) d
                ON d.template_id = t.id WHERE
                """
        } else {
            text += "0 AS active FROM templates t WHERE"
        }
        switch query.scope {
        case .everyone: text += " t.status = \(bind: Template.Status.public.rawValue)"
        case .workspace(let organization): text += " t.organization_id = \(bind: organization)"
        }
        if let category = query.category {
            text += " AND t.category = \(bind: category.rawValue)"
        }
        if !query.search.isEmpty {
            if isPostgres {
                text += " AND t.search_vector @@ to_tsquery('english', \(bind: query.search.postgresTSQuery))"
            } else {
                // `+t.id`: filter the covering scan with the matches rather than look up each match's
                // wide row; a word most templates contain must not cost a lookup per template.
                text += " AND +t.id IN (SELECT k.template_id FROM templates_search s JOIN templates_search_keys k ON k.key = s.rowid WHERE templates_search MATCH \(bind: query.search.fts5Query))"
            }
        }
        text += "), ranked AS (SELECT id, active, "
        switch query.sort {
        case .trending:
            if isPostgres {
                // (active * 3 + forks) / sqrt(ageDays + 1), ages in days at `at`.
                text += "CAST(active * 3 + forks AS DOUBLE PRECISION) / sqrt(GREATEST(EXTRACT(EPOCH FROM (to_timestamp(\(bind: at)) - created_at)) / 86400.0, 0) + 1)"
            } else {
                // This SQLite is built without its math functions (no sqrt), so it ranks by the
                // square of the score, n² / (ageDays + 1): n ≥ 0, so the order is the same.
                text += "CAST(active * 3 + forks AS REAL) * (active * 3 + forks) / (MAX((\(bind: at) - created_at) / 86400.0, 0) + 1.0)"
            }
        case .top:
            text += "CAST(active + forks AS \(unsafeRaw: isPostgres ? "DOUBLE PRECISION" : "REAL"))"
        case .newest:
            // Seconds since 1970: SQLite stores dates that way; PostgreSQL converts.
            text += isPostgres ? "CAST(EXTRACT(EPOCH FROM created_at) AS DOUBLE PRECISION)" : "CAST(created_at AS REAL)"
        }
        text += " AS score FROM base), page AS (SELECT id, active, score FROM ranked"
        if let cursor = query.cursor {
            text += " WHERE (score < \(bind: cursor.value) OR (score = \(bind: cursor.value) AND id < \(bind: cursor.id)))"
        }
        text += " ORDER BY score DESC, id DESC LIMIT \(bind: size + 1))"
        text += """
             SELECT t.id, t.slug, t.title, t.summary, t.category, t.status, t.verified, t.forks, t.latest_version,
            t.created_at, t.updated_at, u.display_name AS author_name, u.email AS author_email, page.score,
            """
        if ranksByUse {
            text += "page.active AS active_deployments"
        } else {
            text += "(SELECT COUNT(DISTINCT s.organization_id) \(TemplateDeployments.liveForks) AND s.template_id = t.id) AS active_deployments"
        }
        text += """
             FROM page JOIN templates t ON t.id = page.id LEFT JOIN users u ON u.id = t.author_id
            ORDER BY page.score DESC, page.id DESC
            """

        let rows = try await sql.raw(text).all()
        var cards: [TemplateCard] = []
        var last: (value: Double, id: UUID)?
        for row in rows.prefix(size) {
            let id = try row.decode(column: "id", as: UUID.self)
            cards.append(TemplateCard(
                slug: try row.decode(column: "slug", as: String.self),
                title: try row.decode(column: "title", as: String.self),
                summary: try row.decode(column: "summary", as: String.self),
                category: TemplateCategory(rawValue: try row.decode(column: "category", as: String.self)) ?? .other,
                status: Template.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                verified: try row.decode(column: "verified", as: Bool.self),
                forks: try row.decode(column: "forks", as: Int.self),
                activeDeployments: try row.decode(column: "active_deployments", as: Int.self),
                author: TemplateAuthor.publicName(try row.decode(column: "author_name", as: String?.self),
                                                   email: try row.decode(column: "author_email", as: String?.self)),
                latestVersion: try row.decode(column: "latest_version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self)
            ))
            last = (try row.decode(column: "score", as: Double.self), id)
        }
        guard rows.count > size, let last else { return (cards, nil) }
        return (cards, TemplateCursor(sort: query.sort, value: last.value, id: last.id, at: at))
    }
}

/// Active deployments, as the listing ranks and every page shows them: the workspaces other than the
/// publisher's with a live server forked from the template, each counted once. Counting servers let a
/// publisher raise their own template by forking it into their workspace again and again.
enum TemplateDeployments {
    /// The live forks in other workspaces: `FROM` and `WHERE` for a count of `DISTINCT s.organization_id`.
    static let liveForks: SQLQueryString = """
        FROM servers s JOIN templates o ON o.id = s.template_id
        WHERE s.status = '\(unsafeRaw: HostedServer.Status.active.rawValue)' AND s.organization_id <> o.organization_id
        """
}

/// How an author is named in public: a display name they chose, never an address or part of one.
/// A new account's display name is its email's local part, so until it is changed the author is
/// anonymous; an author whose account is gone is "A former member".
enum TemplateAuthor {
    static let anonymous = "Anonymous author"

    static func publicName(_ displayName: String?, email: String?) -> String {
        guard let displayName else { return "A former member" }
        let name = displayName.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let localPart = email?.split(separator: "@", maxSplits: 1).first.map(String.init)
        if name.isEmpty || name.lowercased() == localPart?.lowercased() { return anonymous }
        return name
    }
}
