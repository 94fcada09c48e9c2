import Foundation

/// After the third failed renewal payment a workspace keeps what runs but may not add to it: no new servers,
/// drafts or builds until a payment succeeds. Hosted servers keep answering, so the customers of a customer
/// whose card expired are not the ones who suffer.
public struct BillingSuspension: Sendable, Equatable {
    public let suspendedAt: Date?

    public init(suspendedAt: Date?) {
        self.suspendedAt = suspendedAt
    }

    public var isSuspended: Bool { suspendedAt != nil }

    /// Throws while the workspace is suspended.
    public func checkCreation() throws(BillingSuspended) {
        guard suspendedAt != nil else { return }
        throw BillingSuspended()
    }
}

/// 402 `billing_suspended`.
public struct BillingSuspended: RuleViolation, Equatable {
    public init() {}

    public var kind: RuleViolationKind { .planLimit }
    public var code: String { "billing_suspended" }
    public var message: String {
        "Payments for this workspace failed, so new servers, drafts and builds are paused; running servers keep answering. "
            + "Update the payment method under Settings → Billing to continue."
    }
}
