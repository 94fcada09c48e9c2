@testable import App
import Core
import Drafting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Drafting API: preview, store, quota, stream, edit")
struct DraftingAPITests {
    static func draftCount(_ app: Application) async throws -> Int {
        try await Draft.query(on: app.db).count()
    }

    static func draftsToday(_ app: Application) async throws -> Int {
        try await UsageCounter.query(on: app.db).filter(\.$kind == "draft").all().reduce(0) { $0 + $1.count }
    }

    @Test("offline drafter: a prompt becomes a stored, valid spec; the same prompt answers from the store", arguments: TestDatabase.all)
    func offlinePreviewAndStore(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a signed-in person and no provider configured
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when they ask for a weather server twice
            let first = try await browser.postObject("/v1/servers/preview", ["prompt": "Weather forecasts for any city"])
            let again = try await browser.postObject("/v1/servers/preview", ["prompt": "  Weather forecasts   for any city "])
            // then the first is drafted offline and valid, the second is the stored one
            #expect(first.status == .created)
            let body = try AccountDataTests.json(first)
            #expect(body["model"] as? String == OfflineDrafter.modelName)
            #expect(body["offline"] as? Bool == true)
            let spec = try JSONDecoder().decode(PreviewSpec.self, from: Data(first.body.string.utf8)).spec
            #expect(SpecValidator.problems(in: spec).isEmpty)
            #expect(!spec.tools.isEmpty)
            #expect(again.status == .ok)
            let second = try AccountDataTests.json(again)
            #expect(second["previewId"] as? String == body["previewId"] as? String)
            #expect(second["cached"] as? Bool == true)
            #expect(try await Self.draftCount(app) == 1)
            #expect(try await Self.draftsToday(app) == 1)
        }
    }

    struct PreviewSpec: Decodable {
        let previewId: UUID
        let spec: ServerSpec
    }

    @Test("bad prompts get typed errors and store nothing", arguments: TestDatabase.all, [
        ("", "prompt_empty"),
        ("   \n ", "prompt_empty"),
        (String(repeating: "a weather tool ", count: 1400), "prompt_too_long"),
        ("Use my key " + "sk-ant-api03-" + String(repeating: "Zq9", count: 31) + " for GitHub", "secret_in_prompt"),
        ("Deploy with " + "ghp_" + String(repeating: "a1B2", count: 9), "secret_in_prompt"),
    ])
    func badPrompts(database: TestDatabase, bad: (prompt: String, code: String)) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let response = try await browser.postObject("/v1/servers/preview", ["prompt": bad.prompt])
            // then
            #expect(response.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(response)["error"] as? String == bad.code)
            #expect(!response.body.string.contains("Zq9Zq9"), "the answer must not echo the secret")
            if bad.prompt.contains("sk-ant-") {
                #expect(response.body.string.contains("looks like an Anthropic API key"))
            }
            #expect(try await Self.draftCount(app) == 0)
            #expect(try await Self.draftsToday(app) == 0)
        }
    }

    @Test("a control character in the name is refused before drafting, as in the prompt", arguments: TestDatabase.all)
    func controlCharacterInName(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let response = try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator", "name": "a\u{2}b"])
            #expect(response.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(response)["error"] as? String == "control_character")
            #expect((try AccountDataTests.json(response)["message"] as? String)?.hasPrefix("The name ") == true)
            #expect(try await Self.draftCount(app) == 0)
        }
    }

    @Test("a name the spec's rule refuses (a direction override, a pile of combining marks) is refused before any model is asked",
          arguments: TestDatabase.all, ["Calc\u{202E}", "C" + String(repeating: "\u{301}", count: 400)])
    func nameRefusedBeforeDrafting(database: TestDatabase, name: String) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a provider that counts the times it is asked
            let asked = Counter()
            var drafter = ScriptedDrafter(steps: [.spec(Hosting.calculator)])
            drafter.onDraft = { asked.add() }
            app.useDrafter(drafter)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let response = try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator", "name": name])
            // then
            #expect(response.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(response)["error"] as? String == "invalid_name")
            #expect(asked.value == 0)
        }
    }

    @Test("a drafted tool whose JavaScript does not parse fails the draft, which is not counted or kept", arguments: TestDatabase.all)
    func unparsableCodeFailsTheDraft(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a model that writes code with a syntax error
            var spec = Hosting.calculator
            spec.tools[0].implementation = "return (args.a + ;"
            app.useDrafter(ScriptedDrafter(steps: [.spec(spec)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when, in one piece and streamed
            let response = try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator"])
            let streamed = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "another calculator"])
            // then
            #expect(response.status == .unprocessableEntity)
            let body = try AccountDataTests.json(response)
            #expect(body["error"] as? String == "spec_invalid")
            #expect((body["message"] as? String)?.contains("tools[0].implementation (add)") == true, "\(body)")
            #expect(streamed.body.string.contains("event: error") && streamed.body.string.contains("spec_invalid"))
            #expect(try await Self.draftCount(app) == 0)
            #expect(try await Self.draftsToday(app) == 0)
        }
    }

    @Test("prompts in other languages and with a bad slug", arguments: TestDatabase.all)
    func languagesAndSlug(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let german = try await browser.postObject("/v1/servers/preview", ["prompt": "Wettervorhersage für Zürich und die Uhrzeit dort"])
            #expect(german.status == .created)
            let badSlug = try await browser.postObject("/v1/servers/preview", ["prompt": "weather", "slug": "Not A Slug"])
            #expect(badSlug.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(badSlug)["error"] as? String == "invalid_slug")
            let named = try await browser.postObject("/v1/servers/preview", ["prompt": "weather", "name": "Sky", "slug": "sky-2"])
            let spec = try JSONDecoder().decode(PreviewSpec.self, from: Data(named.body.string.utf8)).spec
            #expect(spec.name == "Sky")
            #expect(spec.slug == "sky-2")
        }
    }

    @Test("signed out: 401 and nothing drafted", arguments: TestDatabase.all)
    func signedOut(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // when
            let response = try await BrowserSession(app).postObject("/v1/servers/preview", ["prompt": "weather"])
            // then
            #expect(response.status == .unauthorized)
            #expect(try await Self.draftCount(app) == 0)
            #expect(try await Self.draftsToday(app) == 0)
        }
    }

    @Test("daily quota: the plan's drafts, then 429 with the reset time; stored answers still come back", arguments: TestDatabase.all)
    func quota(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let limit = PlanTable.hobby.dailyDrafts
            for index in 0..<limit {
                let response = try await browser.postObject("/v1/servers/preview", ["prompt": "weather forecast number \(index)"])
                #expect(response.status == .created)
            }
            // when one more new prompt arrives
            let refused = try await browser.postObject("/v1/servers/preview", ["prompt": "hacker news top stories"])
            // then
            #expect(refused.status == .tooManyRequests)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "quota_exceeded")
            let retry = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retry > 0 && retry <= 86_400)
            #expect((try AccountDataTests.json(refused)["message"] as? String)?.contains("00:00 UTC") == true)
            let stored = try await browser.postObject("/v1/servers/preview", ["prompt": "weather forecast number 0"])
            #expect(stored.status == .ok)
            // and the next UTC day the quota is fresh
            clock.advance(TimeInterval(retry + 1))
            let tomorrow = try await browser.postObject("/v1/servers/preview", ["prompt": "hacker news top stories"])
            #expect(tomorrow.status == .created)
        }
    }

    @Test("provider failures map to typed answers and store nothing", arguments: TestDatabase.all, [
        (DraftingError.specTooLarge, HTTPStatus.unprocessableEntity, "spec_too_large"),
        (.specInvalid("tools[0].name: must match"), .unprocessableEntity, "spec_invalid"),
        (.timeout, .gatewayTimeout, "preview_timeout"),
        (.upstream("HTTP 500 from the provider."), .badGateway, "upstream_error"),
        (.rateLimited(retryAfterSeconds: 42), .serviceUnavailable, "upstream_rate_limited"),
        (.requestRefused("Anthropic answered HTTP 404: model: claude-x"), .badGateway, "upstream_error"),
    ])
    func providerFailures(database: TestDatabase, failure: (error: DraftingError, status: HTTPStatus, code: String)) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a provider that fails
            app.useDrafter(ScriptedDrafter(steps: [.text("{"), .fail(failure.error)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let response = try await browser.postObject("/v1/servers/preview", ["prompt": "weather"])
            // then
            #expect(response.status == failure.status)
            #expect(try AccountDataTests.json(response)["error"] as? String == failure.code)
            if case .rateLimited = failure.error { #expect(response.headers.first(name: "Retry-After") == "42") }
            // only a failure that may pass is worth another try
            let message = try AccountDataTests.json(response)["message"] as? String ?? ""
            if case .requestRefused = failure.error { #expect(message.contains("Trying again will not help")) }
            if case .upstream = failure.error { #expect(message.contains("Try again in a moment")) }
            #expect(try await Self.draftCount(app) == 0)
            #expect(try await Self.draftsToday(app) == 0)
        }
    }
}

/// How many times something happened, from any thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
