@testable import App
import Core
import Drafting
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Drafting stream: server-sent events")
struct DraftStreamTests {
    /// Events of a collected `text/event-stream` body, parsed the way EventSource does.
    static func events(_ body: String) -> [(event: String, data: String)] {
        body.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").compactMap { block in
            var event = "message", data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(":") {
                if line.hasPrefix("event:") { event = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                if line.hasPrefix("data:") { data.append(String(line.dropFirst(5).drop(while: { $0 == " " }))) }
            }
            return data.isEmpty ? nil : (event, data.joined(separator: "\n"))
        }
    }

    @Test("text deltas, then the spec payload of the sync endpoint; anti-buffering headers", arguments: TestDatabase.all)
    func streamsTextThenSpec(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a model that writes in pieces
            app.useDrafter(ScriptedDrafter(steps: [.text("{\"name\":"), .text("\"Wea\nther\""), .spec(ScriptedDrafter.weather)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let response = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "weather"])
            // then
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("text/event-stream") == true)
            #expect(response.headers.first(name: "X-Accel-Buffering") == "no")
            let events = Self.events(response.body.string)
            #expect(events.map(\.event) == ["text", "text", "spec"])
            let delta = try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: String]
            #expect(delta?["delta"] == "\"Wea\nther\"")
            let payload = try JSONDecoder().decode(DraftingAPITests.PreviewSpec.self, from: Data(events[2].data.utf8))
            #expect(payload.spec == ScriptedDrafter.weather)
            #expect(try await Draft.find(payload.previewId, on: app.db) != nil)
        }
    }

    @Test("keepalive comments while the model is quiet", arguments: TestDatabase.all)
    func keepalive(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.pause(.milliseconds(400)), .spec(ScriptedDrafter.weather)]), keepalive: .milliseconds(50))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let response = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "weather"])
            #expect(response.body.string.contains(": keepalive\n\n"))
            #expect(Self.events(response.body.string).last?.event == "spec")
        }
    }

    @Test("an error mid-stream ends with an error event; nothing is stored", arguments: TestDatabase.all)
    func errorMidStream(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.text("{\"na"), .fail(.rateLimited(retryAfterSeconds: 7))]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let response = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "weather"])
            let events = Self.events(response.body.string)
            #expect(events.map(\.event) == ["text", "error"])
            let error = try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: String]
            #expect(error?["error"] == "upstream_rate_limited")
            #expect(error?["message"]?.contains("7 seconds") == true)
            #expect(try await DraftingAPITests.draftCount(app) == 0)
        }
    }

    @Test("a drafter that cannot stream answers 409 streaming_unavailable", arguments: TestDatabase.all)
    func cannotStream(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.spec(ScriptedDrafter.weather)], supportsStreaming: false))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let response = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "weather"])
            #expect(response.status == .conflict)
            #expect(try AccountDataTests.json(response)["error"] as? String == "streaming_unavailable")
        }
    }

    @Test("checks happen before the stream starts: a secret in the prompt is a plain 422", arguments: TestDatabase.all)
    func secretBeforeStream(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let key = "AKIA" + "ABCDEFGHIJKLMNOP"
            let response = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "read my bucket with \(key)"])
            #expect(response.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(response)["error"] as? String == "secret_in_prompt")
        }
    }
}
