@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// `bmm serve` in development: strict templates, and templates, content and assets
/// rebuilt when their files change. Production keeps the build it started with.
@Suite("Development reload and strict templates")
struct DevelopmentReloadTests {
    /// A copy of the repository's `Views/` to edit.
    func copyOfViews() throws -> String {
        let copy = try makeTemporaryDirectory() + "/Views"
        try FileManager.default.copyItem(atPath: packageRoot + "/Views", toPath: copy)
        return copy
    }

    func edit(_ views: String, _ template: String, _ change: (String) -> String) throws {
        let path = views + "/" + template + ".leaf"
        let source = try String(contentsOfFile: path, encoding: .utf8)
        try Data(change(source).utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Polls `condition` until it holds or `seconds` pass.
    func eventually(within seconds: Double = 15, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test("a changed template is served without a restart, and the page carries the reload script")
    func templateChange() async throws {
        // given
        let views = try copyOfViews()
        let config = try testConfig(environment: ["BMM_VIEWS_DIR": views, "BMM_RELOAD": "on"])
        try await withConfiguredApp(config) { app in
            let before = try await get(app, "/offline")
            #expect(before.body.string.contains(#"<script type="module" src="/dev/reload.js" data-reload-events="/dev/reload"></script>"#))
            let script = try await get(app, "/dev/reload.js")
            #expect(script.status == .ok)
            #expect(script.headers.contentType?.subType == "javascript")
            let version = app.developmentReload.current.version
            // when
            try edit(views, "Site/offline") { $0.replacingOccurrences(of: "You are offline", with: "You are offline (edited)") }
            // then
            let served = try await eventually { try await get(app, "/offline").body.string.contains("You are offline (edited)") }
            #expect(served)
            #expect(app.developmentReload.current.version != version)
            #expect(app.developmentReload.current.error == nil)
        }
    }

    @Test("a template that does not compile keeps the last good build serving and reports file and line")
    func brokenTemplate() async throws {
        // given
        let views = try copyOfViews()
        let config = try testConfig(environment: ["BMM_VIEWS_DIR": views, "BMM_RELOAD": "on"])
        try await withConfiguredApp(config) { app in
            let before = try await get(app, "/offline").body.string
            let version = app.developmentReload.current.version
            // when
            try edit(views, "Site/offline") { $0.replacingOccurrences(of: "<h1 class=\"error-title\">", with: "<h1 class=\"error-title\">#(page.homeHref") }
            // then
            let failed = try await eventually { app.developmentReload.current.error != nil }
            #expect(failed)
            let error = app.developmentReload.current.error ?? ""
            #expect(error.contains(views + "/Site/offline.leaf:6: unclosed `(` in tag"), "\(error)")
            #expect(app.developmentReload.current.version == version)
            let during = try await get(app, "/offline")
            #expect(during.status == .ok)
            #expect(during.body.string == before)

            // The event stream tells the page (read once the watcher is stopped, so it ends).
            app.developmentReload.stop()
            let events = try await get(app, "/dev/reload")
            #expect(events.headers.contentType?.description.hasPrefix("text/event-stream") == true)
            #expect(events.body.string.hasPrefix("event: failed\ndata: {"))
            #expect(events.body.string.contains("Site/offline.leaf:6: unclosed `(` in tag"))
        }
    }

    @Test("a content or asset change rebuilds too")
    func contentAndAssetChange() async throws {
        // given
        let root = try makeTemporaryDirectory()
        for folder in ["Views", "Public", "Content"] {
            try FileManager.default.copyItem(atPath: packageRoot + "/" + folder, toPath: root + "/" + folder)
        }
        var config = try testConfig(environment: ["BMM_RELOAD": "on"])
        config.rootDirectory = root
        config.viewsDirectory = root + "/Views"
        config.contentDirectory = root + "/Content"
        config.docsDirectory = root + "/Content/docs"
        try await withConfiguredApp(config) { app in
            let css = app.publicSite.assetURLs.css
            // when
            let quickstart = root + "/Content/docs/quickstart.md"
            let markdown = try String(contentsOfFile: quickstart, encoding: .utf8)
            try Data((markdown + "\nA sentence added while serving.\n").utf8).write(to: URL(fileURLWithPath: quickstart))
            let stylesheet = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/Public/css/site.css"))
            try stylesheet.seekToEnd()
            try stylesheet.write(contentsOf: Data("\n/* edited */\n".utf8))
            try stylesheet.close()
            // then
            let rebuilt = try await eventually {
                try await get(app, "/docs/quickstart").body.string.contains("A sentence added while serving.")
            }
            #expect(rebuilt)
            #expect(app.publicSite.assetURLs.css != css)
            #expect(try await get(app, app.publicSite.assetURLs.css).body.string.hasSuffix("/* edited */\n"))
        }
    }

    @Test("production registers no reload endpoint and includes no script, whatever BMM_RELOAD says")
    func productionHasNoReload() async throws {
        // given
        let production = try testConfig(environment: [
            "BMM_ENV": "production",
            "BMM_PUBLIC_URL": "https://mcp.example.com",
            "BMM_SESSION_SECRET": String(repeating: "ef", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 3, count: 32).base64EncodedString(),
            "BMM_RELOAD": "on",
        ])
        #expect(!production.reloadsFiles)
        #expect(!production.strictTemplates)
        try await withConfiguredApp(production) { app in
            // when
            let events = try await get(app, "/dev/reload")
            let script = try await get(app, "/dev/reload.js")
            let home = try await get(app, "/")
            // then
            #expect(events.status == .notFound)
            #expect(script.status == .notFound)
            #expect(home.status == .ok)
            #expect(!home.body.string.contains("reload"))
            #expect(app.publicSite.assets.byLogicalPath.keys.allSatisfy { !$0.hasPrefix("dev/") })
        }
    }

    @Test("only `serve` reloads: export and the other commands never do", arguments: [
        (["bmm"], true), (["bmm", "serve"], true), (["bmm", "export", "--out", "x"], false),
        (["bmm", "migrate"], false), (["bmm", "worker"], false),
    ])
    func onlyServeReloads(arguments: [String], reloads: Bool) throws {
        // given
        var arguments = arguments
        var config = try testConfig(environment: ["BMM_RELOAD": "on"])
        // when
        try CommandLineOptions.extract(from: &arguments).apply(to: &config)
        // then
        #expect(config.reloadsFiles == reloads)
    }

    @Test("strict templates: a field the view model lacks is a 500 naming the template and line; lenient prints nothing")
    func strictError() async throws {
        // given
        let views = try copyOfViews()
        try edit(views, "Site/offline") { $0.replacingOccurrences(of: "#(page.homeHref)", with: "#(page.homeLink)") }
        // when
        let strict = try await withConfiguredApp(try testConfig(environment: ["BMM_VIEWS_DIR": views])) { app in
            try await get(app, "/offline")
        }
        let lenient = try await withConfiguredApp(try testConfig(environment: ["BMM_VIEWS_DIR": views, "BMM_STRICT_TEMPLATES": "off"])) { app in
            try await get(app, "/offline")
        }
        // then
        #expect(strict.status == .internalServerError)
        #expect(strict.body.string.contains("Site/offline.leaf:9: `page` has no field `homeLink`"), "\(strict.body.string)")
        #expect(lenient.status == .ok)
        #expect(lenient.body.string.contains(#"<a class="button button-primary" href="">Try again</a>"#))
    }

    @Test("a broken error page fails loudly in strict mode instead of answering its own status")
    func brokenErrorPage() async throws {
        // given
        let views = try copyOfViews()
        try edit(views, "not-found") { "#(page.nothing)" + $0 }
        try await withConfiguredApp(try testConfig(environment: ["BMM_VIEWS_DIR": views])) { app in
            // when
            let response = try await get(app, "/no-such-page")
            // then
            #expect(response.status == .internalServerError)
            #expect(response.body.string.contains("not-found.leaf:1: `page` has no field `nothing`"), "\(response.body.string)")
        }
    }
}
