/// One email to one recipient. `html` is optional; `text` is always sent so plain-text clients get the content.
public struct EmailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?

    public init(to: String, subject: String, text: String, html: String? = nil) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
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
