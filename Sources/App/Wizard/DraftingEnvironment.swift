import Core
import Drafting
import Vapor

/// A drafter and the model it will ask for, chosen per plan.
struct DrafterChoice: Sendable {
    let drafter: any SpecDrafter
    let model: String

    /// The line the wizard shows: "Claude Sonnet is drafting…" or "Offline drafter".
    var label: String { drafter.isOffline ? drafter.displayName : ModelNames.displayName(forModel: model) }

    /// The provider's kind for metrics: a fixed handful of values, never a model name.
    var provider: String {
        switch drafter {
        case is AnthropicDrafter: "anthropic"
        case is OpenAICompatibleDrafter: "openai_compatible"
        case _ where drafter.isOffline: "offline"
        default: "other"
        }
    }
}

/// How the app drafts, built once in `configure` (tests replace `choose`).
struct DraftingEnvironment: Sendable {
    var choose: @Sendable (Plan) -> DrafterChoice
    /// Comment lines that keep proxies from closing a quiet stream.
    var keepaliveInterval: Duration = .seconds(15)
    /// What the drafter stops at; quoted in the timeout message.
    var timeoutSeconds: Double

    /// Routes each plan's model to a configured provider: Claude models to
    /// Anthropic, others to the OpenAI-compatible endpoint; a provider that cannot
    /// serve the plan's model drafts with its own default; with no provider at all
    /// the offline drafter answers.
    static func providers(_ settings: DraftingSettings, httpClient: HTTPClient) -> DraftingEnvironment {
        let timeout = Duration.milliseconds(Int64(settings.timeoutSeconds * 1000))
        let anthropic = settings.anthropic.map {
            AnthropicDrafter(configuration: .init(apiKey: $0.apiKey, baseURL: $0.baseURL, timeout: timeout), httpClient: httpClient)
        }
        let openAI = settings.openAI.map {
            OpenAICompatibleDrafter(configuration: .init(apiKey: $0.apiKey, baseURL: $0.baseURL, timeout: timeout, modelOverride: $0.model),
                                    httpClient: httpClient)
        }
        let offline = OfflineDrafter()
        return DraftingEnvironment(choose: { plan in
            let model = plan.draftingModel
            if model.hasPrefix("claude"), let anthropic {
                return DrafterChoice(drafter: anthropic, model: model)
            }
            if let openAI {
                // A Claude model id means nothing to an OpenAI-compatible server: without OPENAI_MODEL, a plan on Claude
                // drafts there with the open-weight model the plans name (Hobby's).
                let model = model.hasPrefix("claude") ? PlanTable.plan(.hobby).draftingModel : model
                return DrafterChoice(drafter: openAI, model: settings.openAI?.model ?? model)
            }
            if let anthropic, let fallback = settings.anthropic?.fallbackModel {
                return DrafterChoice(drafter: anthropic, model: fallback)
            }
            return DrafterChoice(drafter: offline, model: OfflineDrafter.modelName)
        }, timeoutSeconds: settings.timeoutSeconds)
    }
}

extension DraftingEnvironment {
    private struct ClientKey: StorageKey {
        typealias Value = HTTPClient
    }

    /// The client for LLM providers: no redirects (they would carry the API key
    /// elsewhere) and no read timeout, because a model may think quietly for a
    /// while; the drafter's own deadline bounds the whole exchange.
    static func providerClient(_ app: Application) -> HTTPClient {
        if let client = app.storage[ClientKey.self] { return client }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
        app.storage.set(ClientKey.self, to: client, onShutdown: { $0.shutdownWithoutWaiting() })
        return client
    }
}

extension Application {
    private struct DraftingKey: StorageKey {
        typealias Value = DraftingEnvironment
    }

    var drafting: DraftingEnvironment {
        get { configured(DraftingKey.self) }
        set { storage[DraftingKey.self] = newValue }
    }
}
