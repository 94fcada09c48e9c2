@testable import App
import Core
import Drafting
import Foundation
import Vapor

/// A drafter that plays a script: what the app does with each kind of provider
/// answer, without a provider. (The providers' wire protocols are tested in
/// DraftingTests against local servers.)
struct ScriptedDrafter: SpecDrafter {
    enum Step: Sendable {
        case text(String)
        case pause(Duration)
        case spec(ServerSpec)
        case fail(DraftingError)
    }

    var steps: [Step]
    var displayName = "Scripted model"
    var isOffline = false
    var supportsStreaming = true
    /// Called each time the model is asked (a draft or a stream started).
    var onDraft: @Sendable () -> Void = {}

    func draft(_ request: DraftRequest) async throws(DraftingError) -> DraftResult {
        onDraft()
        for step in steps {
            switch step {
            case .text: continue
            case .pause(let duration): try? await Task.sleep(for: duration)
            case .spec(let spec): return DraftResult(spec: spec, model: request.model)
            case .fail(let error): throw error
            }
        }
        throw .upstream("script ended without a spec")
    }

    func stream(_ request: DraftRequest) -> AsyncThrowingStream<DraftEvent, any Error> {
        let steps = steps
        onDraft()
        return AsyncThrowingStream { continuation in
            let task = Task {
                for step in steps {
                    switch step {
                    case .text(let text): continuation.yield(.text(text))
                    case .pause(let duration): try? await Task.sleep(for: duration)
                    case .spec(let spec):
                        continuation.yield(.spec(DraftResult(spec: spec, model: request.model)))
                        continuation.finish()
                        return
                    case .fail(let error):
                        continuation.finish(throwing: error)
                        return
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// A small valid spec.
    static let weather = ServerSpec(
        name: "Weather", slug: "weather", description: "Forecasts for any city.",
        tools: [
            ToolSpec(
                name: "forecast", description: "Daily forecast for a city.",
                inputSchema: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                implementation: "const res = await ctx.fetch('https://api.open-meteo.com/v1/forecast?city=' + encodeURIComponent(args.city));\nreturn await res.json();"
            ),
        ],
        requiredSecrets: [],
        allowedDomains: ["api.open-meteo.com"]
    )
}

extension Application {
    /// Makes every plan draft with `drafter`.
    func useDrafter(_ drafter: ScriptedDrafter, keepalive: Duration = .seconds(15)) {
        drafting = DraftingEnvironment(choose: { _ in DrafterChoice(drafter: drafter, model: "scripted-1") },
                                       keepaliveInterval: keepalive, timeoutSeconds: 60)
    }
}
