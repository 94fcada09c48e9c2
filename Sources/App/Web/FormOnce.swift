import Core
import SQLKit
import Vapor

/// A form whose sending acts once however often the browser sends it: a page answered by rendering (the one that
/// shows a new token's secret, a Playground result) is sent again by a reload or Back, which made a second token or
/// ran the tool again (for a tool that opens an issue, a second issue). Each page puts a fresh value in the form's
/// `once` field; the first request with it spends it, in the database every instance shares, for a day.
enum FormOnce {
    static let field = "once"
    private static let lifetime: TimeInterval = 86_400

    /// A value for the form's hidden field.
    static func value(_ req: Request) -> String {
        req.application.random.token(bytes: 16)
    }

    /// Whether this is the first request carrying `value`. A form without one (a page from before this, a script)
    /// acts as before.
    static func spend(_ value: String?, on req: Request) async throws -> Bool {
        guard let value, !value.isEmpty else { return true }
        let key = "once:" + SecretToken.sha256(value)
        let windows = try await RateLimiter(database: req.db, now: req.application.clock.now()).add([key: 1], window: lifetime)
        return windows[key]?.count == 1
    }

    /// Gives `value` back when its request was refused and did nothing (a name to correct, a limit reached): the form
    /// sent again from Back, corrected, then acts, where it was told it had already been sent.
    static func release(_ value: String?, on req: Request) async throws {
        guard let value, !value.isEmpty, let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw("DELETE FROM rate_limit_buckets WHERE key = \(bind: "once:" + SecretToken.sha256(value))").run()
    }

    /// `response`, after giving `value` back (`release`).
    static func released(_ value: String?, _ req: Request, _ response: Response) async throws -> Response {
        try await release(value, on: req)
        return response
    }
}
