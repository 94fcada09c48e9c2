@testable import App
import Core
import Foundation
import Testing
import Vapor
import VaporTesting

/// The "Marketplace security" docs page makes promises; these checks hold them to the code,
/// so the page cannot drift from what the scanners, the report rules and the takedown do.
@Suite("Docs: Marketplace security says what the code does")
struct MarketplaceSecurityDocTests {
    static let page: String = {
        (try? String(contentsOfFile: packageRoot + "/Content/docs/marketplace-security.md", encoding: .utf8)) ?? ""
    }()

    /// How the page names each thing the scanners refuse. Exhaustive: a new kind does not
    /// compile until the page says something about it.
    static func phrase(for kind: CodeFindingKind) -> String {
        switch kind {
        case .eval: "`eval`"
        case .functionConstructor: "the `Function` constructor"
        case .dynamicImport: "dynamic `import()`"
        case .stringTimer: "`setTimeout` or `setInterval` with a string"
        case .hostAccess: "host access: `process`, `require(…)`, `child_process`, `fs`, `Deno` and `Bun`"
        case .prototypePollution: "prototype pollution: `__proto__` and `constructor.prototype`"
        case .promptInjection: "prompt injection"
        case .leakedSecret: "**Leaked key formats.**"
        case .leakedSecretValue: "**Your server's own secret values.**"
        }
    }

    @Test("every scanner category and every leaked-key format the code knows is on the page")
    func scanners() {
        #expect(!Self.page.isEmpty)
        for kind in CodeFindingKind.allCases {
            #expect(Self.page.contains(Self.phrase(for: kind)), "the page does not describe \(kind)")
        }
        for label in Set(SecretPatterns.all.map(\.label)) {
            #expect(Self.page.contains(label), "the page does not list the \(label) format")
        }
        // the claims are real: each example is refused by the scanner
        let refused = ["eval('1')", "new Function('return 1')", "import('x')", "setTimeout('x()', 1)", "process.exit()",
                       "require('fs')", "({}).__proto__"]
        for code in refused {
            #expect(!CodeScanner.findings(in: code).isEmpty, "\(code) is not refused")
        }
        #expect(!CodeScanner.findings(in: "return 'a-value-only-this-server-holds';", secretValues: ["a-value-only-this-server-holds"]).isEmpty)
    }

    @Test("the report rules, status codes and limits on the page are the code's")
    func reports() async throws {
        #expect(Self.page.contains("`409 \(TemplateReportService.alreadyReported.code)`"))
        #expect(TemplateReportService.alreadyReported.status == .conflict)
        #expect(Self.page.contains("`403 own_template`"))
        #expect(Self.page.contains("at most \(TemplateReportService.maxTextLength) characters"))
        #expect(Self.page.contains("\(RateLimitPolicy().templateReportsPerUser.limit) reports per hour"))
        #expect(RateLimitPolicy().templateReportsPerUser.window == 3600)
        #expect(Self.page.contains("`POST /v1/templates/{slug}/reports`"))
        #expect(SiteRoute.api(.templateReports(.value("slug"))).path == "/v1/templates/slug/reports")
        for reason in TemplateReport.Reason.allCases {
            #expect(Self.page.contains("- \(reason.label)\n"), "the page does not list \(reason.label)")
        }
        #expect(Self.page.contains(SiteRoute.adminTemplates.path))
    }

    @Test("the takedown's answers on the page are the code's")
    func takedown() {
        let gone = TemplateTakedown.endpointStopped(title: "T", reason: nil)
        #expect(gone.status == .gone && gone.code == "template_taken_down")
        #expect(Self.page.contains("`410 \(TemplateTakedown.code)`"))
        #expect(Self.page.contains("HTTP `410` and `{\"error\": \"\(TemplateTakedown.code)\""))
        #expect(TemplateAccess.takenDown(Template()).code == TemplateTakedown.code)
        #expect(Self.page.contains("`422 takedown_spec_unchanged`"))
        #expect(Self.page.contains("`422 takedown_version`"))
        #expect(Self.page.contains("every other instance notices within a second"))
        #expect(ServerContextCache().lifetime <= .seconds(1))
        for action in ["verify", "takedown"] {
            #expect(Self.page.contains("`admin.template.\(action)`"))
            #expect(AdminTemplateAction(rawValue: action) != nil)
        }
        for action in AdminTemplateAction.allCases {
            let word = action == .dismissReports ? "dismiss the reports" : action == .takedown ? "take it down" : action == .unverify ? "remove the badge" : action.rawValue
            #expect(Self.page.contains("**\(word)") || Self.page.contains(word), "the page does not describe \(action)")
        }
    }

    @Test("the page is published in the docs")
    func published() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let response = try await get(app, SiteRoute.docs(path: .value("marketplace-security")).path)
            #expect(response.status == .ok)
            #expect(response.body.string.contains("Marketplace security"))
            #expect(try await get(app, SiteRoute.docs(path: .value("quickstart")).path).body.string.contains(SiteRoute.docs(path: .value("marketplace-security")).path),
                    "the docs sidebar links it")
        }
    }
}
