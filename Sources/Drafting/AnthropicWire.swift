import Core

/// The Messages API as far as drafting uses it.
enum AnthropicWire {
    struct Request: Encodable {
        var model: String
        var maxTokens: Int
        var system: String
        var messages: [Message]
        var tools: [Tool]
        var toolChoice: ToolChoice
        var stream: Bool?

        enum CodingKeys: String, CodingKey {
            case model, system, messages, tools, stream
            case maxTokens = "max_tokens"
            case toolChoice = "tool_choice"
        }
    }

    struct Message: Encodable {
        var role: String
        var content: String
    }

    struct Tool: Encodable {
        var name: String
        var description: String
        var inputSchema: JSONValue

        enum CodingKeys: String, CodingKey {
            case name, description
            case inputSchema = "input_schema"
        }
    }

    struct ToolChoice: Encodable {
        var type: String
        var name: String
    }

    /// A whole (non-streamed) answer.
    struct Response: Decodable {
        var model: String?
        var content: [ContentBlock]
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case model, content
            case stopReason = "stop_reason"
        }
    }

    struct ContentBlock: Decodable {
        var type: String
        var name: String?
        var text: String?
        var input: JSONValue?
    }

    /// One `data:` payload of the stream.
    struct StreamEvent: Decodable {
        var type: String
        var message: StartedMessage?
        var index: Int?
        var contentBlock: ContentBlock?
        var delta: Delta?
        var error: StreamError?

        enum CodingKeys: String, CodingKey {
            case type, message, index, delta, error
            case contentBlock = "content_block"
        }
    }

    struct StartedMessage: Decodable {
        var model: String?
    }

    struct Delta: Decodable {
        var type: String?
        var partialJSON: String?
        var text: String?
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, text
            case partialJSON = "partial_json"
            case stopReason = "stop_reason"
        }
    }

    struct StreamError: Decodable {
        var type: String?
        var message: String?
    }
}
