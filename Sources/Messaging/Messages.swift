/// One email to one recipient. `html` is optional; `text` is always sent so plain-text clients get the content.
public struct EmailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?
    /// The same for every attempt at one message (a queued email's id): a provider that supports it (Resend's
    /// `Idempotency-Key`) then sends a message once however often an answer was lost on the way back.
    public var idempotencyKey: String?

    public init(to: String, subject: String, text: String, html: String? = nil, idempotencyKey: String? = nil) {
        self.to = to
        self.subject = Self.oneLine(subject)
        self.text = text
        self.html = html
        self.idempotencyKey = idempotencyKey
    }

    /// A subject is one header line: a line break in a name written into it (checked where names
    /// are set, and again here for any other text) becomes a space and cannot start another header.
    static func oneLine(_ subject: String) -> String {
        String(String.UnicodeScalarView(subject.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .lineSeparator
                || $0.properties.generalCategory == .paragraphSeparator ? " " : $0
        }))
    }
}

/// One text message to one phone number.
public struct SMSMessage: Sendable, Equatable {
    /// Strict E.164, e.g. `+41791234567`.
    public var to: String
    public var body: String

    public init(to: String, body: String) {
        self.to = to
        self.body = body
    }
}
