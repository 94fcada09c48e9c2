import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// Delivers the fake's events to one webhook endpoint as Stripe does: each a JSON POST signed with the endpoint's
/// secret (`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), one at a time in the order
/// they happened, after the API request that caused them has been answered. No retries: a refused delivery is
/// reported on stderr, which is what a test wants to see.
public final class FakeStripeWebhook: Sendable {
    public let url: String
    private let secret: String
    private let queue = SerialQueue()

    public init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }

    /// The header Stripe would send for `payload` at `timestamp`, signed here with swift-crypto directly so the
    /// app's own verifier is checked against an independent signer.
    public static func signatureHeader(payload: String, secret: String, timestamp: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).\(payload)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Queues the events behind those sent earlier and returns at once.
    public func send(_ events: [String]) {
        guard !events.isEmpty else { return }
        queue.enqueue { [self] in
            for event in events { _ = await deliver(event) }
        }
    }

    /// Waits until everything queued so far has been delivered (or refused).
    public func flush() async {
        await queue.idle()
    }

    /// POSTs one event now; the endpoint's status, or nil when it could not be reached.
    public func deliver(_ event: String) async -> Int? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        request.headers.add(
            name: "Stripe-Signature",
            value: Self.signatureHeader(payload: event, secret: secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.body = .bytes(ByteBuffer(string: event))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            let status = Int(response.status.code)
            if !(200..<300).contains(status) { Self.report("webhook \(Self.type(of: event)) answered \(status)") }
            return status
        } catch {
            Self.report("webhook \(Self.type(of: event)) not delivered: \(error)")
            return nil
        }
    }

    private static func type(of event: String) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]
        return "\(object?["type"] ?? "?") \(object?["id"] ?? "?")"
    }

    private static func report(_ line: String) {
        FileHandle.standardError.write(Data("fake-stripe: \(line)\n".utf8))
    }
}

/// Runs queued work one piece after another, in the order queued, from synchronous code.
private final class SerialQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var tail: Task<Void, Never>?

    func enqueue(_ work: @escaping @Sendable () async -> Void) {
        lock.withLock {
            let previous = tail
            tail = Task {
                await previous?.value
                await work()
            }
        }
    }

    func idle() async {
        await lock.withLock { tail }?.value
    }
}
