import Foundation
import StripeFake

// `fake-stripe [port]`: the local Stripe-compatible server for end-to-end tests, on 127.0.0.1 (port 0 or none: any
// free port). Prints the bound port as the first line on stdout, then serves until it is stopped. Besides Stripe's
// API it serves a stand-in Stripe.js at any path ending in `/stripe.js` (point `STRIPE_JS_URL` at it) and a page for
// the hosted Checkout URLs it hands out (`/c/pay/…`), so a browser can follow the no-JavaScript redirect.

let requestedPort = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 0
guard (0...65535).contains(requestedPort) else {
    FileHandle.standardError.write(Data("usage: fake-stripe [port]\n".utf8))
    exit(64)
}

let stripeJS = String(decoding: PackageResources.stripe_js, as: UTF8.self)

let stripe = FakeStripe()
let server = try await FakeStripeServer.start(stripe, port: requestedPort) { path in
    if path.hasSuffix("/stripe.js") {
        return FakeStripePage(contentType: "text/javascript; charset=utf-8", body: stripeJS)
    }
    if path.hasPrefix("/c/pay/") {
        let session = path.dropFirst("/c/pay/".count).filter { $0.isLetter || $0.isNumber || $0 == "_" }
        return FakeStripePage(
            contentType: "text/html; charset=utf-8",
            body: """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake hosted Checkout</title></head>
                <body><h1>Fake hosted Checkout</h1><p data-session-id>\(session)</p></body></html>
                """
        )
    }
    return nil
}
stripe.checkoutOrigin = server.baseURL
FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
try await server.waitUntilClosed()
