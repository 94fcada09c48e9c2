import Core

/// What a person asked for. `revising` is set when an existing spec is to be
/// changed as described in `prompt` (the "Iterate" flow) rather than drafted anew.
public struct DraftRequest: Sendable, Hashable {
    public var prompt: String
    public var name: String?
    public var slug: String?
    /// Provider model id, from the plan table.
    public var model: String
    public var revising: ServerSpec?

    public init(prompt: String, name: String? = nil, slug: String? = nil, model: String, revising: ServerSpec? = nil) {
        self.prompt = prompt
        self.name = name
        self.slug = slug
        self.model = model
        self.revising = revising
    }
}

public struct DraftResult: Sendable, Hashable {
    public var spec: ServerSpec
    /// The model that actually drafted (as the provider reported it).
    public var model: String

    public init(spec: ServerSpec, model: String) {
        self.spec = spec
        self.model = model
    }
}

public enum DraftEvent: Sendable, Hashable {
    /// Raw output as it arrives, for showing progress.
    case text(String)
    /// The finished, validated draft; always the last event of a successful stream.
    case spec(DraftResult)
}

/// Every way drafting can fail, each mapped by the app to one HTTP answer.
public enum DraftingError: Error, Sendable, Hashable {
    /// The model stopped at its output limit before the spec was complete.
    case specTooLarge
    /// The output was not a valid spec; the message is the validator's.
    case specInvalid(String)
    /// The provider did not finish within the hard limit.
    case timeout
    /// The provider failed or answered something unusable; the message is safe to show.
    case upstream(String)
    /// The provider is rate limiting us; seconds to wait when it said.
    case rateLimited(retryAfterSeconds: Int?)
    /// The provider account cannot be used until its owner acts (out of credit or quota); the message is safe to show.
    case providerAccount(String)
    /// The provider refused the request as it is (HTTP 400, 404, 413, 422: an unknown model, a request it cannot
    /// take), so sending it again fails the same way; the message is safe to show.
    case requestRefused(String)
    /// The model declined to draft this request (a refusal or a content filter).
    case declined
    /// This drafter cannot stream.
    case streamingUnavailable
}

/// A way to turn a prompt into a validated spec.
public protocol SpecDrafter: Sendable {
    /// Shown in the wizard: "Claude Sonnet", "GLM-4.5-Air", "Offline drafter".
    var displayName: String { get }
    var isOffline: Bool { get }
    var supportsStreaming: Bool { get }

    func draft(_ request: DraftRequest) async throws(DraftingError) -> DraftResult

    /// Events as they arrive; finishes after `.spec`, or throws a `DraftingError`.
    func stream(_ request: DraftRequest) -> AsyncThrowingStream<DraftEvent, any Error>
}
