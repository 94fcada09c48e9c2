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
    /// Sign-in messages one client address asks for to one email address or phone number per 10 minutes.
    public var signInSendsPerTargetAndClient = RateLimitRule(limit: 3, window: 600)
    /// Sign-in messages to one email address or phone number per hour, whoever asks: a mailbox or phone is not
    /// flooded from many addresses, while one address asking for someone else's cannot use up their sign-in.
    public var signInSendsPerTarget = RateLimitRule(limit: 10, window: 3600)
    /// Sign-in messages requested from one client address per 10 minutes.
    public var signInSendsPerIP: RateLimitRule
    /// Code and link checks from one client address per 10 minutes.
    public var signInVerifiesPerIP = RateLimitRule(limit: 30, window: 600)
    /// Guesses at codes for one phone number per day, across every attempt and address: five tries per code
    /// times many codes must not add up to guessing one (100 guesses at a 6-digit code: 1 in 10,000 a day; NIST SP
    /// 800-63B §5.2.2 allows up to 100 failed attempts). Only a guess counts: a code sent with the attempt cookie of
    /// a live code for the number. Anything else guesses nothing and costs the number's owner nothing.
    public var signInVerifiesPerPhone = RateLimitRule(limit: 100, window: 86_400)
    /// Email-change confirmations one person asks for per hour.
    public var emailChangesPerUser = RateLimitRule(limit: 5, window: 3600)
    /// Invitations one workspace sends per hour.
    public var invitationsPerWorkspace = RateLimitRule(limit: 20, window: 3600)
    /// OAuth dynamic client registrations from one client address per hour. Many MCP clients register again on every
    /// start (their registration lives in memory), and an office or an agent platform shares one address.
    public var clientRegistrationsPerIP = RateLimitRule(limit: 60, window: 3600)
    /// `/oauth/token` requests (code redemptions and refreshes) from one client address per 10 minutes.
    public var tokenRequestsPerIP = RateLimitRule(limit: 300, window: 600)
    /// `/oauth/revoke` requests from one client address per 10 minutes.
    public var revocationsPerIP = RateLimitRule(limit: 60, window: 600)
    /// Invitation (and email-confirmation) page views and acceptances from one client address per 10 minutes.
    public var invitationRequestsPerIP = RateLimitRule(limit: 30, window: 600)
    /// Client metadata documents one signed-in person makes us fetch per hour.
    public var clientMetadataFetchesPerUser = RateLimitRule(limit: 30, window: 3600)
    /// Marketplace reports one person files per hour (one per template, so this caps a spree).
    public var templateReportsPerUser = RateLimitRule(limit: 10, window: 3600)

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

    /// Counts one hit at `now` under `rule`: a window that ended starts over. The
    /// database does the same transition in one statement (`RateLimiter`), so
    /// concurrent hits cannot lose a count.
    public static func hit(_ current: RateLimitWindow?, rule: RateLimitRule, now: Date) -> (RateLimitWindow, Outcome) {
        guard let current, current.isOpen(rule: rule, now: now) else {
            let fresh = RateLimitWindow(start: now, count: 1)
            return (fresh, fresh.outcome(rule: rule, now: now))
        }
        let next = RateLimitWindow(start: current.start, count: current.count + 1)
        return (next, next.outcome(rule: rule, now: now))
    }

    /// Whether hits at `now` still count in this window.
    public func isOpen(rule: RateLimitRule, now: Date) -> Bool {
        start > now.addingTimeInterval(-rule.window)
    }

    /// What a window holding `count` hits (this one included) means for that hit.
    public func outcome(rule: RateLimitRule, now: Date) -> Outcome {
        guard count > rule.limit else { return .allowed }
        return .exceeded(retryAfterSeconds: max(1, Int(start.addingTimeInterval(rule.window).timeIntervalSince(now).rounded(.up))))
    }
}
