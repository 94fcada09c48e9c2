import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One row of `tool_calls` waiting to be written (see `ToolCallRecord`, which reads them).
struct ToolCallEntry: Sendable {
    var id = UUID()
    let serverID: UUID
    let organizationID: UUID
    let tool: String
    let at: Date
    let durationMilliseconds: Double
    /// `ok`, `tool_error`, `invalid_arguments` or `failed`.
    let outcome: String
    let errorMessage: String?
    let bytesIn: Int
    let bytesOut: Int
}

/// Tool-call records are written in batches: one insert per call would make the
/// database's single writer the limit of every hosted server. Records wait at
/// most `interval` (and are flushed before anything reads them here, and at
/// shutdown); a crash can lose that last fraction of a second of the call log,
/// never a call. Rows go in as one multi-row INSERT per batch, not through Fluent models,
/// whose per-row reflection cost as much as the rest of a call.
final class CallRecorder: Sendable {
    private let pending = NIOLockedValueBox<[ToolCallEntry]>([])
    let interval: Duration
    let maxBatch: Int

    init(interval: Duration = .milliseconds(200), maxBatch: Int = 500) {
        self.interval = interval
        self.maxBatch = maxBatch
    }

    func add(_ record: ToolCallEntry) {
        pending.withLockedValue { $0.append(record) }
    }

    /// Writes everything waiting, in one transaction.
    func flush(on database: any Database) async throws {
        let batch = pending.withLockedValue { records -> [ToolCallEntry] in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !batch.isEmpty, let sql = database as? any SQLDatabase else { return }
        for chunk in stride(from: 0, to: batch.count, by: maxBatch).map({ batch[$0..<min($0 + maxBatch, batch.count)] }) {
            do {
                try await insert(chunk, on: sql)
            } catch {
                // A server deleted meanwhile takes its records with it; keep the others.
                for record in chunk { try? await insert([record], on: sql) }
            }
        }
    }

    private func insert(_ records: some Collection<ToolCallEntry>, on sql: any SQLDatabase) async throws {
        var statement = sql.insert(into: ToolCallRecord.schema)
            .columns("id", "server_id", "organization_id", "tool", "at", "duration_ms", "outcome", "error_message", "bytes_in", "bytes_out")
        for record in records {
            statement = statement.values([
                record.id, record.serverID, record.organizationID, record.tool, record.at, record.durationMilliseconds,
                record.outcome, record.errorMessage, record.bytesIn, record.bytesOut,
            ] as [any Encodable & Sendable])
        }
        try await statement.run()
    }

    /// Flushes every `interval` until cancelled, then once more.
    func run(on app: Application) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { try await flush(on: app.db) } catch { app.logger.reportSafely(error) }
        }
        try? await flush(on: app.db)
    }
}
