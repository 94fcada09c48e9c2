import AsyncHTTPClient
import Core
import Foundation
import NIOCore

/// Drafts with any server that speaks OpenAI's `/chat/completions` (Ollama, vLLM,
/// llama.cpp, hosted GLM). It asks for plain text, since tool calling is what these
/// servers disagree on most, and finds the spec in the answer with ``SpecExtraction``.
public struct OpenAICompatibleDrafter: SpecDrafter {
    public struct Configuration: Sendable {
        /// Sent as `Authorization: Bearer …` when set; local servers usually need none.
        public var apiKey: String?
        /// Up to and including the API version, such as `http://localhost:11434/v1`.
        public var baseURL: String
        /// Hard limit on the whole exchange, connecting and streaming included.
        public var timeout: Duration
        /// Omitted when nil, leaving the server's own limit.
        public var maxTokens: Int?
        /// The model this drafter is shown as (the plan table's `draftingModel`).
        public var model: String
        /// Asked for instead of the request's model, for servers that name models their own
        /// way (`glm4:9b` on Ollama for the plan's `glm-4.5-air`, say).
        public var modelOverride: String?

        public init(
            apiKey: String? = nil,
            baseURL: String,
            timeout: Duration = .seconds(60),
            maxTokens: Int? = nil,
            model: String = "glm-4.5-air",
            modelOverride: String? = nil
        ) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.timeout = timeout
            self.maxTokens = maxTokens
            self.model = model
            self.modelOverride = modelOverride
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
            provider: "The model server",
            secrets: configuration.apiKey.map { [$0] } ?? []
        )
    }

    public var displayName: String {
        ModelNames.displayName(forModel: configuration.modelOverride ?? configuration.model)
    }
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
        let body = OpenAICompatibleWire.Request(
            model: configuration.modelOverride ?? request.model,
            messages: [
                .init(role: "system", content: DraftPrompt.system(answer: .jsonText)),
                .init(role: "user", content: DraftPrompt.userMessage(for: request)),
            ],
            stream: streaming ? true : nil,
            maxTokens: configuration.maxTokens
        )
        // Local servers (Ollama, llama.cpp) take no key.
        let authorization = configuration.apiKey.flatMap { $0.isEmpty ? nil : [("authorization", "Bearer \($0)")] } ?? []
        return try DraftTransport.post(DraftTransport.url(configuration.baseURL, "/chat/completions"),
                                       headers: authorization, body: body, streaming: streaming)
    }

    private func finish(_ body: [UInt8], for request: DraftRequest) throws(DraftingError) -> DraftResult {
        guard let answer = try? JSONDecoder().decode(OpenAICompatibleWire.Response.self, from: Data(body)),
            let choice = answer.choices?.first
        else {
            throw .upstream("The model server answered something that is not a chat completion.")
        }
        try Self.check(finishReason: choice.finishReason)
        let output = choice.message ?? choice.delta
        if output?.refusal?.isEmpty == false { throw .declined }
        let arguments = output?.toolCalls?.first?.function?.arguments ?? ""
        let text = arguments.isEmpty ? (output?.content ?? "") : arguments
        return try DraftFinisher.finish(modelText: text, for: request, model: answer.model ?? requestedModel(request))
    }

    private func streamDraft(_ request: DraftRequest, emit: (String) -> Void) async throws -> DraftResult {
        let response = try await transport.send(try httpRequest(for: request, streaming: true))
        var state = StreamState()
        let decoder = JSONDecoder()
        try await transport.forEachEvent(of: response) { sse in
            let data = sse.data.trimmingCharacters(in: .whitespaces)
            if data == "[DONE]" {
                state.sawDone = true
                return false
            }
            guard let chunk = try? decoder.decode(OpenAICompatibleWire.Chunk.self, from: Data(data.utf8)) else {
                return true
            }
            if chunk.error != nil { throw transport.failure(streamed: ProviderErrorBody(Array(data.utf8)), requestID: DraftTransport.requestID(of: response)) }
            for shown in state.apply(chunk) { emit(shown) }
            return true
        }
        // Servers that close without `[DONE]` after a finish reason have still said everything.
        guard state.sawDone || state.finishReason != nil else { throw transport.endedEarly }
        try Self.check(finishReason: state.finishReason)
        if state.refused { throw DraftingError.declined }
        let text = state.arguments.isEmpty ? state.content : state.arguments
        return try DraftFinisher.finish(modelText: text, for: request, model: state.model ?? requestedModel(request))
    }

    /// `length`: cut off at the output limit; `content_filter`: the provider withheld the answer.
    static func check(finishReason: String?) throws(DraftingError) {
        switch finishReason {
        case "length": throw .specTooLarge
        case "content_filter": throw .declined
        default: return
        }
    }

    private func requestedModel(_ request: DraftRequest) -> String {
        configuration.modelOverride ?? request.model
    }

    private struct StreamState {
        var model: String?
        var finishReason: String?
        var sawDone = false
        var refused = false
        var content = ""
        /// The first tool call's arguments, for servers that answer with one even unasked.
        var arguments = ""

        mutating func apply(_ chunk: OpenAICompatibleWire.Chunk) -> [String] {
            model = model ?? chunk.model
            guard let choice = chunk.choices?.first else { return [] }
            finishReason = choice.finishReason ?? finishReason
            if choice.delta?.refusal?.isEmpty == false { refused = true }
            var shown: [String] = []
            if let more = choice.delta?.content, !more.isEmpty {
                content += more
                shown.append(more)
            }
            for call in choice.delta?.toolCalls ?? [] where (call.index ?? 0) == 0 {
                if let more = call.function?.arguments, !more.isEmpty {
                    arguments += more
                    shown.append(more)
                }
            }
            return shown
        }
    }
}
