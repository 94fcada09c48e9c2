import AsyncHTTPClient
import Core
import Foundation
import NIOCore

/// Drafts with Claude through the Messages API, forcing the `submit_server_spec` tool so
/// the answer is a JSON object rather than prose.
public struct AnthropicDrafter: SpecDrafter {
    public struct Configuration: Sendable {
        public var apiKey: String
        public var baseURL: String
        /// Hard limit on the whole exchange, connecting and streaming included.
        public var timeout: Duration
        public var maxTokens: Int
        /// The model this drafter is shown as (the plan table's `draftingModel`); each request
        /// still names the model it asks for.
        public var model: String

        public init(
            apiKey: String,
            baseURL: String = "https://api.anthropic.com",
            timeout: Duration = .seconds(60),
            maxTokens: Int = 16_000,
            model: String = "claude-sonnet-4-5"
        ) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.timeout = timeout
            self.maxTokens = maxTokens
            self.model = model
        }
    }

    public let configuration: Configuration
    private let transport: DraftTransport

    /// `httpClient` belongs to the caller, who shuts it down.
    public init(configuration: Configuration, httpClient: HTTPClient) {
        self.configuration = configuration
        self.transport = DraftTransport(
            httpClient: httpClient,
            timeout: configuration.timeout,
            provider: "Anthropic",
            secrets: [configuration.apiKey]
        )
    }

    public var displayName: String { ModelNames.displayName(forModel: configuration.model) }
    public var isOffline: Bool { false }
    public var supportsStreaming: Bool { true }

    public func draft(_ request: DraftRequest) async throws(DraftingError) -> DraftResult {
        try await transport.withDeadline { [self] in
            let response = try await transport.send(try httpRequest(for: request, streaming: false))
            return try finish(try await transport.read(response), for: request)
        }
    }

    public func stream(_ request: DraftRequest) -> AsyncThrowingStream<DraftEvent, any Error> {
        transport.events { [self] emit in try await streamDraft(request, emit: emit) }
    }

    func httpRequest(for request: DraftRequest, streaming: Bool) throws(DraftingError) -> HTTPClientRequest {
        let body = AnthropicWire.Request(
            model: request.model,
            maxTokens: configuration.maxTokens,
            system: DraftPrompt.system(answer: .toolCall),
            messages: [.init(role: "user", content: DraftPrompt.userMessage(for: request))],
            tools: [
                .init(
                    name: DraftPrompt.toolName, description: DraftPrompt.toolDescription,
                    inputSchema: DraftPrompt.specSchema)
            ],
            toolChoice: .init(type: "tool", name: DraftPrompt.toolName),
            stream: streaming ? true : nil
        )
        return try DraftTransport.post(
            DraftTransport.url(configuration.baseURL, "/v1/messages"),
            headers: [("x-api-key", configuration.apiKey), ("anthropic-version", "2023-06-01")], body: body, streaming: streaming)
    }

    private func finish(_ body: [UInt8], for request: DraftRequest) throws(DraftingError) -> DraftResult {
        guard let message = try? JSONDecoder().decode(AnthropicWire.Response.self, from: Data(body)) else {
            throw .upstream("Anthropic answered something that is not a message.")
        }
        try Self.check(stopReason: message.stopReason)
        let model = message.model ?? request.model
        if let input = message.content.first(where: { $0.type == "tool_use" })?.input {
            return try DraftFinisher.finish(specJSON: Self.bytes(of: input), for: request, model: model)
        }
        let text = message.content.compactMap { $0.type == "text" ? $0.text : nil }.joined()
        return try DraftFinisher.finish(modelText: text, for: request, model: model)
    }

    private func streamDraft(_ request: DraftRequest, emit: (String) -> Void) async throws -> DraftResult {
        let response = try await transport.send(try httpRequest(for: request, streaming: true))
        var state = StreamState()
        let decoder = JSONDecoder()
        try await transport.forEachEvent(of: response) { sse in
            guard let event = try? decoder.decode(AnthropicWire.StreamEvent.self, from: Data(sse.data.utf8)) else {
                // Pings and anything newer than this client carry nothing the draft needs.
                return true
            }
            if event.type == "error" {
                throw transport.failure(
                    streamed: ProviderErrorBody(type: event.error?.type, message: event.error?.message),
                    requestID: DraftTransport.requestID(of: response))
            }
            if let shown = state.apply(event) { emit(shown) }
            return !state.isComplete
        }
        guard state.isComplete else { throw transport.endedEarly }
        try Self.check(stopReason: state.stopReason)
        let model = state.model ?? request.model
        if let input = state.toolInput {
            return try DraftFinisher.finish(specJSON: input, for: request, model: model)
        }
        return try DraftFinisher.finish(modelText: state.text, for: request, model: model)
    }

    /// Stop reasons that leave no usable draft: the output limit or the context window reached (the answer is cut
    /// off), or a refusal.
    static func check(stopReason: String?) throws(DraftingError) {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": throw .specTooLarge
        case "refusal": throw .declined
        default: return
        }
    }

    static func bytes(of value: JSONValue) throws(DraftingError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .specInvalid("The model's answer was not a spec in the expected JSON form.")
        }
    }

    /// What the stream has said so far.
    private struct StreamState {
        var model: String?
        var stopReason: String?
        var isComplete = false
        var text = ""
        private var toolIndices: [Int] = []
        private var toolStartInputs: [Int: JSONValue] = [:]
        private var toolJSON: [Int: String] = [:]

        /// The first tool call's input: streamed as `partial_json` pieces, or complete at its start.
        var toolInput: [UInt8]? {
            guard let index = toolIndices.first else { return nil }
            if let json = toolJSON[index], !json.isEmpty { return Array(json.utf8) }
            return toolStartInputs[index].flatMap { try? AnthropicDrafter.bytes(of: $0) }
        }

        /// Applies one event and returns the text it adds, for showing progress.
        mutating func apply(_ event: AnthropicWire.StreamEvent) -> String? {
            switch event.type {
            case "message_start":
                model = event.message?.model ?? model
            case "content_block_start":
                if let block = event.contentBlock, block.type == "tool_use", let index = event.index {
                    toolIndices.append(index)
                    toolStartInputs[index] = block.input
                } else if let initial = event.contentBlock?.text, !initial.isEmpty {
                    text += initial
                    return initial
                }
            case "content_block_delta":
                guard let delta = event.delta else { return nil }
                if let partial = delta.partialJSON {
                    toolJSON[event.index ?? toolIndices.last ?? 0, default: ""] += partial
                    return partial.isEmpty ? nil : partial
                }
                if let more = delta.text {
                    text += more
                    return more.isEmpty ? nil : more
                }
            case "message_delta":
                stopReason = event.delta?.stopReason ?? stopReason
            case "message_stop":
                isComplete = true
            default:
                break
            }
            return nil
        }
    }
}
