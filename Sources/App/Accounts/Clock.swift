import Foundation
import Vapor

/// The time source, injectable so tests can step past expiry windows.
struct AppClock: Sendable {
    var now: @Sendable () -> Date

    static let system = AppClock { Date() }
}

extension Application {
    private struct ClockKey: StorageKey {
        typealias Value = AppClock
    }

    var clock: AppClock {
        get { storage[ClockKey.self] ?? .system }
        set { storage[ClockKey.self] = newValue }
    }
}
