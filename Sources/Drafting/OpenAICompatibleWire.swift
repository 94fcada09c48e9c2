import Core

/// `/chat/completions` as OpenAI-compatible servers (Ollama, vLLM, llama.cpp, GLM hosts)
/// all understand it: text in, text out, no tools.
enum OpenAICompatibleWire {
    struct Request: Encodable {
        var model: String
        var messages: [Message]
        var stream: Bool?
        var maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case model, messages, stream
            case maxTokens = "max_tokens"
        }
    }

    struct Message: Encodable {
        var role: String
        var content: String
    }

    struct Response: Decodable {
        var model: String?
        var choices: [Choice]?
    }

    struct Choice: Decodable {
        var message: Output?
        var delta: Output?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case message, delta
            case finishReason = "finish_reason"
        }
    }

    /// A whole message or one streamed delta; the fields are the same.
    struct Output: Decodable {
        var content: String?
        var toolCalls: [ToolCall]?
        /// Set (in place of content) when the model declined.
        var refusal: String?

        enum CodingKeys: String, CodingKey {
            case content, refusal
            case toolCalls = "tool_calls"
        }
    }

    struct ToolCall: Decodable {
        var index: Int?
        var function: Function?
    }

    struct Function: Decodable {
        var arguments: String?
    }

    /// One streamed chunk; some servers report failures mid-stream as `{"error": …}`.
    struct Chunk: Decodable {
        var model: String?
        var choices: [Choice]?
        var error: JSONValue?
    }
}
