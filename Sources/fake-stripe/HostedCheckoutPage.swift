import Foundation
import StripeFake

/// The hosted Checkout page at `/c/pay/<session>`: what the session sells and a Pay button, a plain form that posts
/// back to the same path (no JavaScript), or where the session stands when it can no longer be paid.
enum HostedCheckoutPage {
    static func sessionID(_ path: String) -> String? {
        guard path.hasPrefix("/c/pay/") else { return nil }
        let id = String(path.dropFirst("/c/pay/".count).filter { $0.isLetter || $0.isNumber || $0 == "_" })
        return id.isEmpty ? nil : id
    }

    static func page(_ stripe: FakeStripe, sessionID: String, status: Int = 200) -> FakeStripePage {
        let session = stripe.sessionObject(sessionID)
        let body: String
        switch session?["status"] as? String {
        case "open":
            let amount = session?["amount_total"] as? Int ?? 0
            body = """
                <p>Subscription, €\(amount / 100).\(String(format: "%02d", amount % 100)) per period</p>
                <form method="post" action="/c/pay/\(sessionID)"><button type="submit">Pay</button></form>
                """
        case let other?:
            body = "<p role=\"alert\">This Checkout Session is \(other); it cannot be paid again.</p>"
        case nil:
            body = "<p role=\"alert\">No such Checkout Session.</p>"
        }
        return FakeStripePage(
            status: session == nil ? 404 : status, contentType: "text/html; charset=utf-8",
            body: """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake hosted Checkout</title>
                <meta name="viewport" content="width=device-width, initial-scale=1"></head>
                <body><h1>Fake hosted Checkout</h1><p data-session-id>\(sessionID)</p>
                \(body)</body></html>
                """
        )
    }
}
