import NIOConcurrencyHelpers
import Vapor

/// Whether the database could store things lately. `SELECT 1` answers while SQLite's disk is full, so readiness
/// alone said an instance that could change nothing was fine: a write that failed for want of room (see
/// `ErrorPageMiddleware.isStorageFull`) marks the database not ready for `window`, long enough for a load balancer
/// to notice, after which the next writes find out whether room came back.
final class StorageHealth: Sendable {
    private let lastFailure = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
    let window: Duration

    init(window: Duration = .seconds(30)) {
        self.window = window
    }

    func storageFailed(at instant: ContinuousClock.Instant) {
        lastFailure.withLockedValue { $0 = instant }
    }

    /// Whether a write failed for want of room within `window` before `now`.
    func recentlyFailed(now: ContinuousClock.Instant = .now) -> Bool {
        lastFailure.withLockedValue { $0.map { now - $0 < window } ?? false }
    }
}

extension Application {
    private struct StorageHealthKey: StorageKey {
        typealias Value = StorageHealth
    }

    /// Created in `configure`, before any request can race to create it.
    var health: StorageHealth {
        get { configured(StorageHealthKey.self) }
        set { storage[StorageHealthKey.self] = newValue }
    }
}
