@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Server page: snippets, generated playground form, calls, sparkline")
struct ServerPageTests {
    @Test("the playground form comes from the schema and runs the tool; the call shows in the list and the sparkline", arguments: TestDatabase.all)
    func playground(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let path = "/servers/\(id.uuidString.lowercased())"
            // given the Overview with its install snippets, and the Playground for the add tool
            let overview = try await browser.get(path).body.string
            #expect(overview.contains("claude mcp add --transport http calculator"))
            #expect(overview.contains("/mcp/\(id.uuidString.lowercased())"))
            #expect(!overview.contains("bmm_"), "no token is ever printed on the page")
            #expect(overview.contains("choose OAuth; approve"), "ChatGPT connects with OAuth today")
            let page = try await browser.get(path + "/playground?tool=add")
            #expect(page.status == .ok)
            let html = page.body.string
            let inputs = HTMLInspector(html: html).tags("input")
            #expect(inputs.contains { $0.attributes["name"] == "arg_a" && $0.attributes["type"] == "number" })
            #expect(inputs.contains { $0.attributes["name"] == "arg_b" })
            // when the form runs it
            let csrf = try #require(BrowserSession.csrfField(in: html))
            let ran = try await browser.postForm(path + "/playground", ["csrf": csrf, "tool": "add", "arg_a": "2", "arg_b": "3", "arguments": ""])
            // then
            #expect(ran.status == .ok)
            #expect(ran.body.string.contains("{&quot;sum&quot;:5}") || ran.body.string.contains(#"{"sum":5}"#))
            // invalid input is explained, not run
            let invalid = try await browser.postForm(path + "/playground", ["csrf": csrf, "tool": "add", "arg_a": "two", "arguments": ""])
            #expect(invalid.body.string.contains("Invalid arguments"))
            let list = try await browser.get("/servers")
            #expect(list.body.string.contains("2 calls in the last 14 days"))
        }
    }

    @Test func formFieldsFollowTheSchema() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "city": ["type": "string", "description": "City name"],
                "days": ["type": "integer", "default": 3],
                "units": ["type": "string", "enum": ["metric", "imperial"]],
                "verbose": ["type": "boolean"],
                "tags": ["type": "array", "items": ["type": "string"]],
            ],
            "required": ["city"],
        ]
        let fields = PlaygroundForm.fields(for: schema)
        #expect(fields.first?.name == "city", "required fields first")
        #expect(fields.first { $0.name == "days" }?.value == "3")
        #expect(fields.first { $0.name == "units" }?.kind == "select")
        #expect(fields.first { $0.name == "verbose" }?.kind == "checkbox")
        #expect(fields.first { $0.name == "tags" }?.kind == "json")
        let arguments = PlaygroundForm.arguments(for: schema, fields: ["arg_city": "Bern", "arg_days": "5", "arg_tags": #"["a"]"#, "arg_units": "metric"])
        #expect(arguments == ["city": "Bern", "days": 5, "tags": ["a"], "units": "metric", "verbose": false])
    }
}
