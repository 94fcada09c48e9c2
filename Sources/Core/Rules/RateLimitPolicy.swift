import Foundation

/// How often an action may happen per key in a fixed window.
public struct RateLimitRule: Sendable, Equatable {
    public let limit: Int
    public let window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }
}

/// Every rate limit of the platform in one table. Sign-in sends per address are
/// configurable: many people behind one NAT (offices, test runs) share an address.
public struct RateLimitPolicy: Sendable, Equatable {
    /// Sign-in messages to one email address or phone number per 10 minutes.
    public var signInSendsPerTarget = RateLimitRule(limit: 3, window: 600)
    /// Sign-in messages requested from one client address per 10 minutes.
    public var signInSendsPerIP: RateLimitRule
    /// Code and link checks from one client address per 10 minutes.
    public var signInVerifiesPerIP = RateLimitRule(limit: 30, window: 600)
    /// Invitations one workspace sends per hour.
    public var invitationsPerWorkspace = RateLimitRule(limit: 20, window: 3600)
    /// OAuth dynamic client registrations from one client address per hour.
    public var clientRegistrationsPerIP = RateLimitRule(limit: 20, window: 3600)

    public init(signInSendsPerIP: Int = 20) {
        self.signInSendsPerIP = RateLimitRule(limit: signInSendsPerIP, window: 600)
    }
}

/// A fixed window's state for one key, and what one more hit does to it.
public struct RateLimitWindow: Sendable, Equatable {
    public var start: Date
    public var count: Int

    public init(start: Date, count: Int) {
        self.start = start
        self.count = count
    }

    public enum Outcome: Sendable, Equatable {
        case allowed
        /// Over the limit; the window ends in this many seconds.
        case exceeded(retryAfterSeconds: Int)
    }

    /// Counts one hit at `now` under `rule`: a window that ended starts over.
    public static func hit(_ current: RateLimitWindow?, rule: RateLimitRule, now: Date) -> (RateLimitWindow, Outcome) {
        guard let current, current.start.addingTimeInterval(rule.window) > now else {
            return (RateLimitWindow(start: now, count: 1), .allowed)
        }
        let next = RateLimitWindow(start: current.start, count: current.count + 1)
        guard next.count > rule.limit else { return (next, .allowed) }
        let retry = max(1, Int(current.start.addingTimeInterval(rule.window).timeIntervalSince(now).rounded(.up)))
        return (next, .exceeded(retryAfterSeconds: retry))
    }
}
