@testable import App
import Core
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Playground fields are named after a tool's properties, whatever those names hold")
struct PlaygroundFieldNamesTests {
    @Test("a property named filter[status] reaches the tool as written, not as nesting", arguments: TestDatabase.all)
    func bracketsInNames(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let spec = ServerSpec(name: "Filters", slug: "filters", description: "Echoes its filter.", tools: [
                Hosting.tool("echo", "return 'status is ' + args['filter[status]'] + ', page ' + args['page.size'];", schema: [
                    "type": "object",
                    "properties": ["filter[status]": ["type": "string"], "page.size": ["type": "string"]],
                    "required": ["filter[status]"],
                ]),
            ])
            let id = try await Hosting.createAndBuild(browser, spec)
            let page = "/servers/\(id.uuidString.lowercased())/playground"
            let form = try await browser.get(page).body.string
            #expect(HTMLInspector(html: form).tags("input").contains { $0.attributes["name"] == "arg_filter[status]" })
            let csrf = try #require(BrowserSession.csrfField(in: form))
            let ran = try await browser.postForm(page, ["csrf": csrf, "tool": "echo", "arg_filter[status]": "open", "arg_page.size": "20",
                                                        "arguments": ""])
            #expect(ran.status == .ok, "\(ran.status): \(ran.body.string.prefix(300))")
            #expect(ran.body.string.contains("status is open, page 20"))
        }
    }
}
