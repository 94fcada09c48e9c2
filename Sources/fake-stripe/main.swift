import Foundation
import StripeFake

// `fake-stripe [port] [--webhook URL --webhook-secret whsec_…]`: the local Stripe-compatible server for end-to-end
// tests, on 127.0.0.1 (port 0 or none: any free port). Prints the bound port as the first line on stdout, then serves
// until it is stopped. Besides Stripe's API it serves a stand-in Stripe.js at any path ending in `/stripe.js` (point
// `STRIPE_JS_URL` at it) and a page for the hosted Checkout URLs it hands out (`/c/pay/…`) whose Pay button completes
// the session as Stripe does and redirects to its success or return URL. With a webhook (also from
// FAKE_STRIPE_WEBHOOK_URL and FAKE_STRIPE_WEBHOOK_SECRET) the events of a completed checkout and of subscription
// updates are POSTed there, signed with the secret.

let usage = "usage: fake-stripe [port] [--webhook URL --webhook-secret whsec_...]\n"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n" + usage).utf8))
    exit(64)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var options = [
    "--webhook": ProcessInfo.processInfo.environment["FAKE_STRIPE_WEBHOOK_URL"],
    "--webhook-secret": ProcessInfo.processInfo.environment["FAKE_STRIPE_WEBHOOK_SECRET"],
]
var requestedPort = 0
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    if options.keys.contains(argument) {
        guard !arguments.isEmpty else { fail("fake-stripe: \(argument) needs a value") }
        options[argument] = arguments.removeFirst()
    } else if let port = Int(argument), (0...65535).contains(port) {
        requestedPort = port
    } else {
        fail("fake-stripe: unexpected argument \(argument)")
    }
}
let webhook: FakeStripeWebhook?
switch (options["--webhook"] ?? nil, options["--webhook-secret"] ?? nil) {
case (nil, nil): webhook = nil
case (let url?, let secret?) where secret.hasPrefix("whsec_"): webhook = FakeStripeWebhook(url: url, secret: secret)
default: fail("fake-stripe: --webhook and --webhook-secret (whsec_…) go together")
}

let stripeJS = String(decoding: PackageResources.stripe_js, as: UTF8.self)
let stripe = FakeStripe()
let server = try await FakeStripeServer.start(stripe, port: requestedPort, webhook: webhook) { path in
    if path.hasSuffix("/stripe.js") {
        return FakeStripePage(contentType: "text/javascript; charset=utf-8", body: stripeJS)
    }
    return HostedCheckoutPage.sessionID(path).map { HostedCheckoutPage.page(stripe, sessionID: $0) }
} forms: { path, _ in
    guard let sessionID = HostedCheckoutPage.sessionID(path) else { return nil }
    guard let completion = stripe.completeCheckout(sessionID: sessionID) else {
        return HostedCheckoutPage.page(stripe, sessionID: sessionID, status: 409)
    }
    return .redirect(to: completion.redirectURL)
}
stripe.checkoutOrigin = server.baseURL
FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
try await server.waitUntilClosed()
