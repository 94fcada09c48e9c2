@testable import App
import Core
import Drafting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Servers API: creation from a draft or a spec")
struct ServersAPITests {
    static let tokenSpec = ServerSpec(
        name: "Issues", slug: "issues", description: "GitHub issues.",
        tools: [
            ToolSpec(
                name: "list_issues", description: "List open issues of a repository.",
                inputSchema: ["type": "object", "properties": ["repo": ["type": "string"]], "required": ["repo"]],
                implementation: "const res = await ctx.fetch('https://api.github.com/repos/' + args.repo + '/issues', { headers: { Authorization: 'Bearer ' + ctx.secrets.GITHUB_TOKEN } });\nreturn await res.json();"
            ),
        ],
        requiredSecrets: [RequiredSecret(key: "GITHUB_TOKEN", description: "A token with issues:read", howToGetUrl: "https://github.com/settings/tokens")],
        allowedDomains: ["api.github.com"]
    )

    static func specObject(_ spec: ServerSpec) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(SpecJSON.encode(spec).utf8))
    }

    @Test("from a draft with secrets: stored, secrets sealed and bound, first build queued", arguments: TestDatabase.all)
    func createFromDraft(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.spec(Self.tokenSpec)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let draft = try await DraftEditTests.preview(browser)
            let value = "test-value-" + UUID().uuidString
            // when
            let response = try await browser.postObject("/v1/servers", ["previewId": draft.previewId.uuidString, "secrets": ["GITHUB_TOKEN": value]])
            // then
            #expect(response.status == .created)
            let body = try AccountDataTests.json(response)
            #expect(body["status"] as? String == "building")
            #expect((body["endpoint"] as? String)?.hasSuffix("/mcp/" + (body["id"] as? String ?? "").lowercased()) == true)
            #expect(body["slug"] as? String == "issues")
            #expect(!response.body.string.contains(value))
            let server = try #require(try await HostedServer.query(on: app.db).first())
            let secret = try #require(try await ServerSecret.query(on: app.db).first())
            #expect(!secret.sealed.contains(value))
            let binding = SecretBox.Binding(organization: server.$organization.id, server: server.id!, key: "GITHUB_TOKEN")
            #expect(try app.secretBox.open(secret.sealed, for: binding) == value)
            #expect(throws: SecretBox.Failure.cannotOpen) {
                try app.secretBox.open(secret.sealed, for: .init(organization: binding.organization, server: UUID(), key: "GITHUB_TOKEN"))
            }
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "server.created").first()
            #expect(audit != nil)
            #expect(audit?.metadata.contains(value) == false)
            let list = try await browser.get("/v1/servers")
            #expect(list.body.string.contains("\"slug\":\"issues\""))
        }
    }

    @Test("creation errors: slug taken, server limit, unknown secret, leaked secret value, invalid spec", arguments: TestDatabase.all)
    func creationErrors(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let spec = try Self.specObject(Self.tokenSpec)
            let first = try await browser.postObject("/v1/servers", ["spec": spec])
            #expect(first.status == .created)

            let again = try await browser.postObject("/v1/servers", ["spec": spec])
            #expect(again.status == .conflict)
            #expect(try AccountDataTests.json(again)["error"] as? String == "slug_taken")

            let unknown = try await browser.postObject("/v1/servers", ["spec": spec, "secrets": ["OTHER_KEY": "x"]])
            #expect(try AccountDataTests.json(unknown)["error"] as? String == "unknown_secret")

            var leaking = Self.tokenSpec
            leaking.slug = "leaky"
            leaking.tools[0].implementation += "\n// fallback: 'hunter2-password-value'"
            let leaked = try await browser.postObject("/v1/servers", ["spec": try Self.specObject(leaking), "secrets": ["GITHUB_TOKEN": "hunter2-password-value"]])
            #expect(leaked.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(leaked)["error"] as? String == "secret_in_code")
            #expect(!leaked.body.string.contains("hunter2-password-value"))

            // every problem is listed, where the message names the first three
            var invalid = Self.tokenSpec
            invalid.slug = "Bad Slug"
            invalid.name = ""
            invalid.allowedDomains = ["http://one bad", "two bad/"]
            invalid.tools[0].name = "Bad Name"
            let refused = try await browser.postObject("/v1/servers", ["spec": try Self.specObject(invalid)])
            let refusal = try AccountDataTests.json(refused)
            #expect(refusal["error"] as? String == "spec_invalid")
            let problems = try #require(refusal["problems"] as? [[String: String]])
            #expect(problems.count >= 5, "\(problems)")
            #expect((refusal["message"] as? String)?.contains("more") == true)
            for path in ["slug", "name", "tools[0].name", "allowedDomains[0]", "allowedDomains[1]"] {
                #expect(problems.contains { $0["path"] == path && !($0["message"] ?? "").isEmpty }, "\(path) in \(problems)")
            }
            // several refused constructs: each one
            var banned = Self.tokenSpec
            banned.slug = "banned"
            banned.tools[0].implementation = "eval('1');\nrequire('fs');"
            let scanned = try AccountDataTests.json(try await browser.postObject("/v1/servers", ["spec": try Self.specObject(banned)]))
            #expect(scanned["error"] as? String == "banned_pattern")
            #expect((scanned["problems"] as? [[String: String]])?.count ?? 0 >= 2, "\(scanned)")

            var second = Self.tokenSpec
            second.slug = "issues-2"
            #expect(try await browser.postObject("/v1/servers", ["spec": try Self.specObject(second)]).status == .created)
            var third = Self.tokenSpec
            third.slug = "issues-3"
            let limited = try await browser.postObject("/v1/servers", ["spec": try Self.specObject(third)])
            #expect(limited.status == .paymentRequired)
            #expect(try AccountDataTests.json(limited)["error"] as? String == "plan_limit")
            #expect(try await HostedServer.query(on: app.db).count() == 2)
        }
    }

    @Test("slug availability and the secret pattern list the browser uses", arguments: TestDatabase.all)
    func slugAndPatterns(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            _ = try await browser.postObject("/v1/servers", ["spec": try Self.specObject(Self.tokenSpec)])
            let taken = try AccountDataTests.json(try await browser.get("/v1/servers/slug-availability?slug=issues"))
            #expect(taken["available"] as? Bool == false)
            let free = try AccountDataTests.json(try await browser.get("/v1/servers/slug-availability?slug=free-one"))
            #expect(free["available"] as? Bool == true)
            let bad = try AccountDataTests.json(try await browser.get("/v1/servers/slug-availability?slug=No%20Way"))
            #expect(bad["available"] as? Bool == false)

            let patterns = try await BrowserSession(app).get("/v1/drafting/secret-patterns")
            let list = try #require(try AccountDataTests.json(patterns)["patterns"] as? [[String: String]])
            #expect(list.count == SecretPatterns.all.count)
            #expect(list.map { $0["pattern"] } == SecretPatterns.all.map(\.pattern))
        }
    }
}
