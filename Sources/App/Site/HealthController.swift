import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Vapor

/// Liveness, readiness and the human status page. These answer with live data,
/// so they are never cached or exported.
enum HealthController {
    struct Readiness: Content {
        struct Check: Content {
            var ok: Bool
            var latencyMs: Double?
            var error: String?
        }
        var status: String
        var checkedAt: String
        var checks: [String: Check]
    }

    static func healthz(_ req: Request) async throws -> Response {
        try req.json(["status": "ok"]).noStore()
    }

    static func readyz(_ req: Request) async throws -> Response {
        let readiness = await probe(req)
        return try req.json(readiness, status: readiness.status == "ok" ? .ok : .serviceUnavailable).noStore()
    }

    static func status(_ req: Request) async throws -> Response {
        let site = req.site
        let readiness = await probe(req)
        let database = readiness.checks["database"]
        let isAdmin = req.currentUser?.user.isAdmin == true
        let view = StatusView(
            isHealthy: readiness.status == "ok",
            // Same wording as Public/js/status.js, so the first live update changes nothing visible.
            summary: readiness.status == "ok" ? "All systems operational" : "Some systems are unavailable",
            checks: [
                .init(name: "app", ok: true, detail: "Running"),
                .init(
                    name: "database",
                    ok: database?.ok == true,
                    detail: database?.ok == true
                        ? "Responded in \(Int((database?.latencyMs ?? 0).rounded())) ms"
                        : (database?.error ?? "Unreachable")
                ),
            ],
            sandbox: isAdmin ? req.application.hosting.sandbox.containment.mechanisms.map {
                .init(name: $0.name, ok: $0.isActive, detail: $0.detail)
            } : [],
            showsSandbox: isAdmin,
            checkedAt: readiness.checkedAt,
            checkedAtLabel: readiness.checkedAt.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC"),
            probeHref: SiteRoute.readyz.path,
            pollSeconds: 10
        )
        let meta = site.meta(
            title: "System status",
            description: "Live health of BuildMyMCPServer: the web application and its database, checked on every visit and refreshed every ten seconds.",
            route: .status,
            scripts: [site.script("js/status.js")]
        )
        let response = try await req.renderHTML("Site/status", Page(layout: site.layout(meta, current: .status), page: view),
                                                status: view.isHealthy ? .ok : .serviceUnavailable)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// Checks the database with a short deadline: a hung connection must not hang the probe.
    static func probe(_ req: Request) async -> Readiness {
        let started = ContinuousClock.now
        var database = Readiness.Check(ok: true)
        do {
            try await withDeadline(seconds: 3) {
                guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
                try await sql.raw("SELECT 1").run()
            }
            let elapsed = ContinuousClock.now - started
            database.latencyMs = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            if req.application.health.recentlyFailed() {
                database = Readiness.Check(ok: false, error: "The database could not store anything in the last 30 s (disk full or read-only)")
            }
        } catch {
            req.logger.error("readiness: database check failed: \(String(reflecting: error))")
            database = Readiness.Check(ok: false, error: error is DeadlineExceeded ? "Database did not answer within 3 s" : "Database unreachable")
        }
        return Readiness(
            status: database.ok ? "ok" : "unavailable",
            checkedAt: ISO8601DateFormatter().string(from: req.application.clock.now()),
            checks: ["app": .init(ok: true), "database": database]
        )
    }
}

struct DeadlineExceeded: Error {}

/// Runs `operation`, giving up after `seconds` whether or not it stops when cancelled. A task group would not do:
/// it returns only once every child has finished, and a query already sent on a PostgreSQL connection runs until
/// the server answers, so a database that hangs (rather than refusing connections) held the probe as long as it
/// hung. Here the caller is answered by whichever ends first, and the operation is cancelled and left to finish.
func withDeadline(seconds: Double, _ operation: @escaping @Sendable () async throws -> Void) async throws {
    let waiting = NIOLockedValueBox<CheckedContinuation<Void, any Error>?>(nil)
    let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
    @Sendable func finish(_ result: Result<Void, any Error>) {
        waiting.withLockedValue { continuation in
            defer { continuation = nil }
            return continuation
        }?.resume(with: result)
    }
    defer { tasks.withLockedValue { $0 }.forEach { $0.cancel() } }
    try await withCheckedThrowingContinuation { continuation in
        waiting.withLockedValue { $0 = continuation }
        let work = Task {
            do { try await operation(); finish(.success(())) } catch { finish(.failure(error)) }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))) != nil else { return }
            finish(.failure(DeadlineExceeded()))
        }
        tasks.withLockedValue { $0 = [work, timer] }
    }
}
