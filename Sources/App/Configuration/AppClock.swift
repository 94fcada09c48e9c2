import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The time source, injectable so tests can step past expiry windows.
struct AppClock: Sendable {
    var now: @Sendable () -> Date

    static let system = AppClock { Date() }
}

/// Holds the application's clock for values that live as long as the app (the
/// public site): they read the clock through it, so a clock a test sets after
/// start-up reaches them too.
final class ClockSource: Sendable {
    private let clock = NIOLockedValueBox(AppClock.system)

    var current: AppClock {
        get { clock.withLockedValue { $0 } }
        set { clock.withLockedValue { $0 = newValue } }
    }

    func now() -> Date { current.now() }
}

extension Application {
    private struct ClockKey: StorageKey {
        typealias Value = ClockSource
    }

    var clockSource: ClockSource {
        if let source = storage[ClockKey.self] { return source }
        let source = ClockSource()
        storage[ClockKey.self] = source
        return source
    }

    var clock: AppClock {
        get { clockSource.current }
        set { clockSource.current = newValue }
    }
}
