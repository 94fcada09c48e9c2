/// Sends email. Implementations throw only ``DeliveryError``.
public protocol Mailer: Sendable {
    func send(_ message: EmailMessage) async throws(DeliveryError)
}

/// Sends SMS. Implementations throw only ``DeliveryError``.
public protocol SMSSender: Sendable {
    func send(_ message: SMSMessage) async throws(DeliveryError)
}
