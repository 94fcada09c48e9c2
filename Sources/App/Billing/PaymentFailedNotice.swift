import Foundation
import Messaging

/// The email a workspace's owner gets when a payment fails: what failed and where to fix it. It names no card,
/// bank account or amount detail beyond the plan: the billing page and Stripe's portal show those to the owner.
struct PaymentFailedNotice: Sendable, Equatable {
    enum Reason: Sendable, Equatable {
        /// A renewal (or other subscription invoice) payment failed; Stripe retries on its schedule.
        case invoice(attempt: Int, suspended: Bool)
        /// The SEPA Direct Debit for a new subscription bounced after Checkout completed.
        case bankDebitFailed
    }

    let to: String
    let workspace: String
    let planName: String?
    let reason: Reason

    func message(publicURL: String) -> EmailMessage {
        let billing = SiteRoute.billing(.overview).url(base: publicURL)
        let plan = planName.map { "the \($0) plan" } ?? "the subscription"
        let text: String
        switch reason {
        case .invoice(let attempt, let suspended):
            let consequence = suspended
                ? """
                  This was attempt \(attempt). Until a payment succeeds, creating servers and starting builds are paused in \
                  this workspace. Servers that are already running keep serving.
                  """
                : """
                  This was attempt \(attempt); Stripe will try again over the next days. After the third failed attempt, \
                  creating servers and starting builds are paused until a payment succeeds (running servers keep serving).
                  """
            text = """
                The payment for \(plan) of your workspace "\(workspace)" on BuildMyMCPServer failed.

                \(consequence)

                To fix it, open the billing page and update the payment method (or pay the open invoice) through Stripe's billing portal:

                \(billing)
                """
        case .bankDebitFailed:
            text = """
                The SEPA Direct Debit for \(plan) of your workspace "\(workspace)" on BuildMyMCPServer did not go through, \
                so the workspace's plan has not changed.

                To subscribe, open the billing page and start again with a card or another bank account:

                \(billing)
                """
        }
        return EmailMessage(to: to, subject: "Payment failed for \"\(workspace)\" on BuildMyMCPServer", text: text + "\n")
    }
}
