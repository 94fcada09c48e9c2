import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Tool-call records are written in batches: one insert per call would make the
/// database's single writer the limit of every hosted server. Records wait at
/// most `interval` (and are flushed before anything reads them here, and at
/// shutdown); a crash can lose that last fraction of a second of the call log,
/// never a call.
final class CallRecorder: Sendable {
    private let pending = NIOLockedValueBox<[ToolCallRecord]>([])
    let interval: Duration
    let maxBatch: Int

    init(interval: Duration = .milliseconds(200), maxBatch: Int = 500) {
        self.interval = interval
        self.maxBatch = maxBatch
    }

    func add(_ record: ToolCallRecord) {
        pending.withLockedValue { $0.append(record) }
    }

    /// Writes everything waiting, in one transaction.
    func flush(on database: any Database) async throws {
        let batch = pending.withLockedValue { records -> [ToolCallRecord] in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !batch.isEmpty else { return }
        for chunk in stride(from: 0, to: batch.count, by: maxBatch).map({ Array(batch[$0..<min($0 + maxBatch, batch.count)]) }) {
            do {
                try await chunk.create(on: database)
            } catch {
                // A server deleted meanwhile takes its records with it; keep the others.
                for record in chunk { try? await record.create(on: database) }
            }
        }
    }

    /// Flushes every `interval` until cancelled, then once more.
    func run(on app: Application) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { try await flush(on: app.db) } catch { app.logger.report(error: error) }
        }
        try? await flush(on: app.db)
    }
}
