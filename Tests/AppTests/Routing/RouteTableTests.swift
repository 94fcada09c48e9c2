@testable import App
import Foundation
import Testing
import Vapor

@Suite("The route table")
struct RouteTableTests {
    @Test("every registered route is a case of the table", arguments: ["development", "production"])
    func everyRouteIsInTheTable(environment: String) async throws {
        // given
        var extra = ["BMM_ENV": environment]
        if environment == "production" {
            extra["BMM_PUBLIC_URL"] = "https://mcp.example.com"
            extra["BMM_SESSION_SECRET"] = String(repeating: "cd", count: 32)
            extra["BMM_ENCRYPTION_KEY"] = Data(repeating: 7, count: 32).base64EncodedString()
            extra["BMM_MAIL_PROVIDER"] = "outbox"
        }
        let table = Set(SiteRoute.allShapes.map { Self.shape($0.pathComponents) })
        try await withConfiguredApp(try testConfig(environment: extra)) { app in
            // when
            let registered = app.routes.all.map { ($0.method.rawValue, Self.shape($0.path)) }
            // then
            #expect(registered.count > 80)
            for (method, path) in registered {
                #expect(table.contains(path), "\(method) \(path) is registered but is no case of SiteRoute")
            }
        }
    }

    @Test("no two cases of the table share a path")
    func pathsAreUnique() {
        let shapes = SiteRoute.allShapes.map { Self.shape($0.pathComponents) }
        #expect(Set(shapes).count == shapes.count)
    }

    @Test("no URL is spelled as a string literal in App outside Sources/App/Routing")
    func noURLLiterals() throws {
        // given: a string literal that starts with "/" and then a path character or an interpolation
        let literal = try Regex(#""/([A-Za-z0-9._~-]|\\\()"#)
        let root = packageRoot + "/Sources/App"
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("Routing/") }
        #expect(files.count > 50)
        // when
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(literal) && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                offenders.append("Sources/App/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        // then
        #expect(offenders.isEmpty, Comment(rawValue: "URLs belong in the route table:\n" + offenders.joined(separator: "\n")))
    }

    @Test("a case prints its link and registers its pattern", arguments: [
        (SiteRoute.server(.value(UUID(uuidString: "3F0C6F6E-0000-4000-8000-00000000000A")!), .activateVersion(.value(3))),
         "/servers/3f0c6f6e-0000-4000-8000-00000000000a/versions/3/activate", "/servers/:server/versions/:version/activate"),
        (.api(.buildLog(server: .value(UUID(uuidString: "00000000-0000-4000-8000-000000000001")!),
                        build: .value(UUID(uuidString: "00000000-0000-4000-8000-000000000002")!))),
         "/v1/servers/00000000-0000-4000-8000-000000000001/builds/00000000-0000-4000-8000-000000000002/log",
         "/v1/servers/:server/builds/:build/log"),
        (.docs(path: "guides/oauth"), "/docs/guides/oauth", "/docs/**"),
        (.home, "/", "/"),
        (.wellKnown(.protectedResource(.value(UUID(uuidString: "00000000-0000-4000-8000-000000000001")!))),
         "/.well-known/oauth-protected-resource/mcp/00000000-0000-4000-8000-000000000001",
         "/.well-known/oauth-protected-resource/mcp/:server"),
        (.settingsAction(.revokeToken(.value(UUID(uuidString: "00000000-0000-4000-8000-0000000000FF")!))),
         "/settings/tokens/00000000-0000-4000-8000-0000000000ff/revoke", "/settings/tokens/:token/revoke"),
    ])
    func printsAndRegisters(route: SiteRoute, link: String, pattern: String) {
        // given the route with values: its link
        #expect(route.path == link)
        // when the same case is built with keys: its pattern
        let keyed = SiteRoute.allShapes.first { Self.shape($0.pathComponents) == pattern }
        // then
        #expect(keyed != nil, "no case registers \(pattern)")
    }

    @Test("query strings keep paths readable and let nothing break out", arguments: [
        ([("next", "/dashboard")], "next=/dashboard"),
        ([("phone", "+41 79"), ("next", "/servers")], "phone=%2B41%2079&next=/servers"),
        ([("resource", "a&b=c?d#e")], "resource=a%26b%3Dc%3Fd%23e"),
        ([("prompt", "Café ☕")], "prompt=Caf%C3%A9%20%E2%98%95"),
        ([("to", "p***@example.com")], "to=p%2A%2A%2A%40example.com"),
    ])
    func queryStrings(items: [(String, String)], expected: String) {
        #expect(SiteRoute.login.path(QueryString(items)) == "/login?" + expected)
    }

    @Test("an absolute URL joins the public base and the path")
    func absoluteURL() {
        let id = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
        #expect(SiteRoute.mcp(.value(id)).url(base: "https://mcp.example.com")
            == "https://mcp.example.com/mcp/00000000-0000-4000-8000-000000000001")
        #expect(SiteRoute.magicLink.url(base: "http://127.0.0.1:8080", QueryString([("token", "abc_-")]))
            == "http://127.0.0.1:8080/auth/magic?token=abc_-")
    }

    /// `/a/:b/**`: the form both Vapor's registered routes and the table print.
    static func shape(_ components: [PathComponent]) -> String {
        "/" + components.map(\.description).joined(separator: "/")
    }
}
