import Foundation

/// The error shapes providers send: `{"error":{"type","message"}}` (Anthropic, OpenAI),
/// `{"message","type"}` (vLLM) and `{"error":"…"}` (Ollama).
struct ProviderErrorBody: Sendable {
    var type: String?
    /// OpenAI's string `code` beside its `type` (`insufficient_quota`, `rate_limit_exceeded`…).
    var code: String?
    var message: String?

    /// What the provider calls the error, in either field.
    private var names: [String] { [type, code].compactMap { $0?.lowercased() } }

    var isRateLimit: Bool {
        names.contains { ["rate_limit_error", "overloaded_error", "rate_limit_exceeded"].contains($0) }
    }

    /// The provider account is out of credit or quota: waiting does not help, its owner has to act. OpenAI says so
    /// in `type`/`code` (`insufficient_quota`, billing codes) with HTTP 429, Anthropic with `billing_error` (402);
    /// other OpenAI-compatible providers only in words.
    var isOutOfCredit: Bool {
        if names.contains(where: { $0.contains("quota") || $0.contains("billing") || $0.contains("credit") || $0.contains("balance") }) {
            return true
        }
        let words = (message ?? "").lowercased()
        return ["insufficient_quota", "exceeded your current quota", "credit balance", "balance is insufficient", "insufficient balance",
                "balance exhausted"].contains { words.contains($0) }
    }

    init(type: String? = nil, code: String? = nil, message: String? = nil) {
        self.type = type
        self.code = code
        self.message = message
    }

    init(_ body: [UInt8]) {
        guard let object = try? JSONDecoder().decode(Shape.self, from: Data(body)) else {
            self.init()
            return
        }
        switch object.error {
        case .detail(let detail):
            self.init(type: detail.type ?? detail.code, code: detail.code, message: detail.message)
        case .text(let text):
            self.init(message: text)
        case nil:
            self.init(type: object.type, message: object.message)
        }
    }

    private struct Shape: Decodable {
        var error: ErrorField?
        var type: String?
        var message: String?
    }

    private struct Detail: Decodable {
        var type: String?
        var code: String?
        var message: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            // OpenAI sends a string code, vLLM a number; only the string is a type worth matching.
            code = try? container.decodeIfPresent(String.self, forKey: .code)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
        }

        private enum CodingKeys: String, CodingKey { case type, code, message }
    }

    private enum ErrorField: Decodable {
        case detail(Detail)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .detail(try container.decode(Detail.self))
            }
        }
    }
}
