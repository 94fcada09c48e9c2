import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One row of `tool_calls` waiting to be written (see `ToolCallRecord`, which reads them).
struct ToolCallEntry: Sendable {
    /// In time order, so the log's inserts append to its primary-key index (`TimeOrderedID`).
    let id: UUID
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

    init(serverID: UUID, organizationID: UUID, tool: String, at: Date, durationMilliseconds: Double, outcome: String,
         errorMessage: String?, bytesIn: Int, bytesOut: Int) {
        self.id = TimeOrderedID.make(at: at)
        self.serverID = serverID
        self.organizationID = organizationID
        self.tool = tool
        self.at = at
        self.durationMilliseconds = durationMilliseconds
        self.outcome = outcome
        self.errorMessage = errorMessage
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}

/// Tool-call records are written in batches: one insert per call would make the
/// database's single writer the limit of every hosted server. Records wait at
/// most `interval` (and are flushed before anything reads them here, and at
/// shutdown); a crash can lose that last fraction of a second of the call log,
/// never a call. Rows go in as one multi-row INSERT per batch, not through Fluent models,
/// whose per-row reflection cost as much as the rest of a call.
final class CallRecorder: Sendable {
    private let pending = NIOLockedValueBox<[ToolCallEntry]>([])
    /// Taken out of `pending` by a flush and not yet committed: still unwritten for `pendingCount`.
    private let writing = NIOLockedValueBox<[UUID: Int]>([:])
    /// The latest flush; the next one waits for it, so a flush returns only once every record added before it
    /// is in the database, even those another flush (the timer's) took out a moment earlier.
    private let lastFlush = NIOLockedValueBox<Task<Void, any Error>?>(nil)
    let interval: Duration
    let maxBatch: Int
    /// Records kept while the database takes no writes: about a minute of a busy instance's calls (roughly 200
    /// bytes each). Beyond it the oldest go, counted in the log.
    let maxPending: Int
    private let logger = Logger(label: "bmm.call-log")
    /// Whether the last flush failed, so an outage is logged when it starts and when it ends, not every flush.
    private let failing = NIOLockedValueBox(false)

    init(interval: Duration = .milliseconds(200), maxBatch: Int = 500, maxPending: Int = 300_000) {
        self.interval = interval
        self.maxBatch = maxBatch
        self.maxPending = maxPending
    }

    func add(_ record: ToolCallEntry) {
        pending.withLockedValue { $0.append(record) }
    }

    /// Calls of the workspace waiting to be written, made on `firstDay` (`yyyy-MM-dd`) or later, and those a flush
    /// is writing (of any day: at most a fraction of a second's, so a period that just began may count a few of
    /// the last one's for a moment). Read before the database, a batch committed in between counts twice, briefly,
    /// rather than not at all.
    func pendingCount(organization: UUID, from firstDay: String) -> Int {
        // `pending` first: a batch a flush moves in between is counted in both, never in neither.
        let waiting = pending.withLockedValue { records in
            records.reduce(0) { $0 + ($1.organizationID == organization && QuotaPeriod.dayString($1.at) >= firstDay ? 1 : 0) }
        }
        return waiting + writing.withLockedValue { $0[organization] ?? 0 }
    }

    /// Writes everything waiting: each chunk's call rows and its `tool_call_days` rollup in one transaction, so
    /// the rollup always matches the call log. Flushes run one after another: each takes what is waiting under
    /// the lock (so no record is written twice) and returns once it and every earlier flush are written.
    func flush(on database: any Database) async throws {
        let flush = lastFlush.withLockedValue { last -> Task<Void, any Error> in
            let previous = last
            let next = Task {
                _ = await previous?.result
                try await self.writePending(on: database)
            }
            last = next
            return next
        }
        try await flush.value
    }

    private func writePending(on database: any Database) async throws {
        var perOrganization: [UUID: Int] = [:]
        let batch = pending.withLockedValue { records -> [ToolCallEntry] in
            defer { records.removeAll(keepingCapacity: true) }
            for record in records { perOrganization[record.organizationID, default: 0] += 1 }
            // Moved under the same lock, so `pendingCount` never sees a call in neither place.
            writing.withLockedValue { writing in perOrganization.forEach { writing[$0.key, default: 0] += $0.value } }
            return records
        }
        defer {
            writing.withLockedValue { writing in
                for (organization, count) in perOrganization {
                    let left = (writing[organization] ?? 0) - count
                    writing[organization] = left > 0 ? left : nil
                }
            }
        }
        guard !batch.isEmpty, database is any SQLDatabase else { return }
        let kept = try await writeOrKeep(batch, on: database)
        guard !kept.isEmpty else { return }
        // Back at the front of the queue (still counted by `pendingCount`), in order, for the next flush.
        let dropped = pending.withLockedValue { records -> Int in
            records.insert(contentsOf: kept, at: 0)
            let over = records.count - maxPending
            if over > 0 { records.removeFirst(over) }
            return max(over, 0)
        }
        throw CallLogUnwritable(kept: kept.count - dropped, dropped: dropped)
    }

    /// Writes the batch in chunks and returns what the database did not take and should be tried again.
    ///
    /// A chunk that fails is written record by record: a server deleted meanwhile takes its call rows with it, and
    /// its calls still count (they were answered), so they go to the workspace's days without a server, as its
    /// earlier days do. A record that fails both ways is dropped only if the next one goes in (it alone was at
    /// fault); when two in a row fail, the database is not taking writes (stopped, unreachable, disk full), and
    /// that record and every later one are kept: an answered call is not lost to a database that blinked.
    private func writeOrKeep(_ batch: [ToolCallEntry], on database: any Database) async throws -> [ToolCallEntry] {
        let chunks = stride(from: 0, to: batch.count, by: maxBatch).map { batch[$0..<min($0 + maxBatch, batch.count)] }
        for (chunkIndex, chunk) in chunks.enumerated() {
            do {
                try await write(Array(chunk), on: database)
                continue
            } catch {}
            var suspect: (index: Int, error: any Error)?
            for index in chunk.indices {
                do {
                    try await write([chunk[index]], on: database)
                } catch {
                    do {
                        try await database.writeTransaction { database in
                            guard let sql = database as? any SQLDatabase else { return }
                            try await Self.rollUpWithoutServer([chunk[index]], on: sql)
                        }
                    } catch {
                        if let earlier = suspect {
                            return Array(chunk[earlier.index...]) + chunks[(chunkIndex + 1)...].flatMap { $0 }
                        }
                        suspect = (index, error)
                        continue
                    }
                }
                if let earlier = suspect {
                    logger.warning("call log: a call record of \(chunk[earlier.index].tool) could not be written and was dropped: \(String(reflecting: earlier.error))")
                    suspect = nil
                }
            }
            if let earlier = suspect {
                return Array(chunk[earlier.index...]) + chunks[(chunkIndex + 1)...].flatMap { $0 }
            }
        }
        return []
    }

    private func write(_ records: [ToolCallEntry], on database: any Database) async throws {
        try await database.writeTransaction { database in
            guard let sql = database as? any SQLDatabase else { return }
            try await Self.insert(records, on: sql)
            try await Self.rollUp(records, on: sql)
        }
    }

    private static func insert(_ records: [ToolCallEntry], on sql: any SQLDatabase) async throws {
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

    /// Days rows with no server (deleted): a new row each time, as no key joins rows without one; the workspace's
    /// counts sum them all.
    static func rollUpWithoutServer(_ records: [ToolCallEntry], on sql: any SQLDatabase) async throws {
        var statement = sql.insert(into: ToolCallDay.schema).columns("id", "organization_id", "server_id", "day", "calls", "errors")
        for day in ToolCallDay.totals(records) {
            statement = statement.values([UUID(), day.organizationID, nil as UUID?, day.day, day.calls, day.errors] as [any Encodable & Sendable])
        }
        try await statement.run()
    }

    /// Adds the records to their server's UTC day in one upsert (both databases speak `ON CONFLICT … excluded`);
    /// summed here first, since one statement may not touch a row twice.
    static func rollUp(_ records: [ToolCallEntry], on sql: any SQLDatabase) async throws {
        let days = ToolCallDay.totals(records)
        guard !days.isEmpty else { return }
        var statement = sql.insert(into: ToolCallDay.schema).columns("id", "organization_id", "server_id", "day", "calls", "errors")
        for day in days {
            statement = statement.values([UUID(), day.organizationID, day.serverID, day.day, day.calls, day.errors] as [any Encodable & Sendable])
        }
        try await statement.onConflict(with: ["server_id", "day"]) {
            $0.set("calls", to: SQLRaw("tool_call_days.calls + excluded.calls"))
                .set("errors", to: SQLRaw("tool_call_days.errors + excluded.errors"))
        }.run()
    }

    /// Flushes every `interval` until cancelled, then once more.
    func run(on app: Application) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await flush(on: app.db)
                if failing.withLockedValue({ was in defer { was = false }; return was }) {
                    logger.notice("call log: the database takes writes again; the kept call records are written")
                }
            } catch let unwritable as CallLogUnwritable {
                if unwritable.dropped > 0 {
                    logger.error("call log: \(unwritable.dropped) call records dropped: the database took no writes for too long (\(maxPending) kept at most)")
                }
                if !failing.withLockedValue({ was in defer { was = true }; return was }) {
                    logger.error("call log: the database takes no writes; \(unwritable.kept) call records are kept and tried again every \(interval)")
                }
            } catch {
                app.logger.reportSafely(error)
            }
        }
        try? await flush(on: app.db)
    }
}

/// A flush left records unwritten because the database took no writes; they wait for the next one.
struct CallLogUnwritable: Error, CustomStringConvertible {
    let kept: Int
    let dropped: Int
    var description: String { "the call log could not be written; \(kept) records are kept for the next flush" }
}
