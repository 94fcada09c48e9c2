import Fluent
import Foundation
import SQLKit

/// Deletes what has ended and would otherwise stay for good, as the privacy page's retention table promises
/// (sign-in codes "at most 10 minutes", drafts "24 hours", unused OAuth registrations "90 days without use"):
/// every check that refuses these rows when they come back already treats them as gone, so deleting them
/// changes no answer except that an old link finds nothing at all. Run by the hourly maintenance round.
///
/// - sign-in challenges (magic links, SMS codes) past their expiry, used or not;
/// - browser sessions past their absolute or idle timeout (`SessionService`), which are otherwise deleted
///   only when presented again;
/// - drafts past their expiry;
/// - OAuth codes past their expiry (a used one is kept until then, so a replay is still recognised), tokens
///   past theirs (a rotated refresh token likewise), revoked grants with nothing left under them, and client
///   registrations unused for 90 days (`OAuthClients.unusedLifetime`) with their grants;
/// - messages the development outbox kept a day ago or earlier: they hold whole sign-in links, and a link lives
///   10 minutes, so an instance run without a provider keeps none for good.
struct ExpiredRowPruning: Sendable {
    let database: any Database

    struct Counts: Sendable, Equatable {
        var challenges = 0, sessions = 0, drafts = 0, codes = 0, tokens = 0, grants = 0, clients = 0, outbox = 0
        var total: Int { challenges + sessions + drafts + codes + tokens + grants + clients + outbox }
    }

    func prune(now: Date) async throws -> Counts {
        guard let sql = database as? any SQLDatabase else { return Counts() }
        func deleted(_ statement: SQLQueryString) async throws -> Int { try await sql.raw(statement).all().count }
        var counts = Counts()
        counts.challenges = try await deleted("DELETE FROM login_challenges WHERE expires_at < \(bind: now) RETURNING 1")
        counts.sessions = try await deleted("""
            DELETE FROM sessions WHERE expires_at <= \(bind: now) OR last_seen_at <= \(bind: now.addingTimeInterval(-SessionService.idleTimeout))
            RETURNING 1
            """)
        counts.drafts = try await deleted("DELETE FROM drafts WHERE expires_at < \(bind: now) RETURNING 1")
        counts.outbox = try await deleted("DELETE FROM outbox_messages WHERE created_at < \(bind: now.addingTimeInterval(-86_400)) RETURNING 1")
        // A registration unused for so long that it is refused goes, with its grants and their codes and tokens:
        // nothing could use them any more (written out, not left to cascades).
        let stale = now.addingTimeInterval(-OAuthClients.unusedLifetime)
        let staleGrants: SQLQueryString = """
            SELECT id FROM oauth_grants WHERE client_id IN (SELECT client_id FROM oauth_clients WHERE last_used_at < \(bind: stale))
            """
        counts.codes = try await deleted("DELETE FROM oauth_codes WHERE grant_id IN (\(staleGrants)) RETURNING 1")
        counts.tokens = try await deleted("DELETE FROM oauth_tokens WHERE grant_id IN (\(staleGrants)) RETURNING 1")
        counts.grants = try await deleted("DELETE FROM oauth_grants WHERE id IN (\(staleGrants)) RETURNING 1")
        counts.clients = try await deleted("DELETE FROM oauth_clients WHERE last_used_at < \(bind: stale) RETURNING 1")
        counts.codes += try await deleted("DELETE FROM oauth_codes WHERE expires_at < \(bind: now) RETURNING 1")
        counts.tokens += try await deleted("DELETE FROM oauth_tokens WHERE expires_at < \(bind: now) RETURNING 1")
        counts.grants += try await deleted("""
            DELETE FROM oauth_grants WHERE revoked_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM oauth_tokens WHERE oauth_tokens.grant_id = oauth_grants.id)
                AND NOT EXISTS (SELECT 1 FROM oauth_codes WHERE oauth_codes.grant_id = oauth_grants.id)
            RETURNING 1
            """)
        return counts
    }
}
