/// Bodies in the providers' documented formats.
enum AnthropicBodies {
    static let model = "claude-sonnet-4-5-20250929"

    static func message(content: String, stopReason: String = "tool_use") -> String {
        """
        {"id":"msg_01","type":"message","role":"assistant","model":"\(model)","content":\(content),\
        "stop_reason":"\(stopReason)","stop_sequence":null,"usage":{"input_tokens":812,"output_tokens":402}}
        """
    }

    static func toolUse(_ specJSON: String) -> String {
        #"[{"type":"tool_use","id":"toolu_01","name":"submit_server_spec","input":\#(specJSON)}]"#
    }

    static func textBlock(_ text: String) -> String {
        #"[{"type":"text","text":\#(Fixtures.quoted(text))}]"#
    }

    static func event(_ type: String, _ data: String) -> String {
        "event: \(type)\ndata: \(data)\n\n"
    }

    static let messageStart = event(
        "message_start",
        #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"\#(model)","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":812,"output_tokens":1}}}"#
    )
    static let ping = event("ping", #"{"type": "ping"}"#)
    static let toolBlockStart = event(
        "content_block_start",
        #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01","name":"submit_server_spec","input":{}}}"#
    )
    static let textBlockStart = event(
        "content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#
    )
    static let blockStop = event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
    static let messageStop = event("message_stop", #"{"type":"message_stop"}"#)

    static func jsonDelta(_ partial: String) -> String {
        event(
            "content_block_delta",
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":\#(Fixtures.quoted(partial))}}"#
        )
    }

    static func textDelta(_ text: String) -> String {
        event(
            "content_block_delta",
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\#(Fixtures.quoted(text))}}"#
        )
    }

    static func messageDelta(stopReason: String) -> String {
        event(
            "message_delta",
            #"{"type":"message_delta","delta":{"stop_reason":"\#(stopReason)","stop_sequence":null},"usage":{"output_tokens":402}}"#
        )
    }

    static func error(type: String, message: String) -> String {
        event("error", #"{"type":"error","error":{"type":"\#(type)","message":\#(Fixtures.quoted(message))}}"#)
    }

    /// A whole tool-use stream with the spec's JSON in `pieces` partial_json deltas and a ping among them.
    static func toolUseStream(_ specJSON: String, pieces: Int = 4, stopReason: String = "tool_use") -> String {
        let characters = Array(specJSON)
        let size = max(1, (characters.count + pieces - 1) / pieces)
        let deltas = stride(from: 0, to: characters.count, by: size).map {
            jsonDelta(String(characters[$0..<min($0 + size, characters.count)]))
        }
        return messageStart + toolBlockStart + ping + deltas.joined() + blockStop
            + messageDelta(stopReason: stopReason) + messageStop
    }
}

enum OpenAIBodies {
    static let model = "glm-4.5-air"

    static func completion(content: String, finishReason: String = "stop") -> String {
        """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"\(model)","choices":[{"index":0,\
        "message":{"role":"assistant","content":\(Fixtures.quoted(content))},"finish_reason":"\(finishReason)"}],\
        "usage":{"prompt_tokens":700,"completion_tokens":400,"total_tokens":1100}}
        """
    }

    static func chunk(content: String?, finishReason: String? = nil) -> String {
        let delta = content.map { #"{"content":\#(Fixtures.quoted($0))}"# } ?? "{}"
        let finish = finishReason.map { "\"\($0)\"" } ?? "null"
        return
            #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"\#(model)","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#
            + "\n\n"
    }

    static let done = "data: [DONE]\n\n"

    /// `text` streamed in `pieces` content deltas, then a finish reason and, when `withDone`, `[DONE]`.
    static func stream(_ text: String, pieces: Int = 4, finishReason: String = "stop", withDone: Bool = true) -> String
    {
        let characters = Array(text)
        let size = max(1, (characters.count + pieces - 1) / pieces)
        let deltas = stride(from: 0, to: characters.count, by: size).map {
            chunk(content: String(characters[$0..<min($0 + size, characters.count)]))
        }
        return deltas.joined() + chunk(content: nil, finishReason: finishReason) + (withDone ? done : "")
    }
}
