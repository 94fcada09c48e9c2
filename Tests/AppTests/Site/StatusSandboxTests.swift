@testable import App
import Testing
import Vapor

@Suite("Status: sandbox containment")
struct StatusSandboxTests {
    @Test("administrators see how the sandbox is contained; visitors and members do not", arguments: TestDatabase.all)
    func sandboxSectionForAdministratorsOnly(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            let (member, _) = try await AccountDataTests.signedIn(app)
            _ = try await AdminTests.runAdmin(app, ["grant", adminEmail])

            // when
            let visitor = try await get(app, "/status").body.string
            let memberPage = try await member.get("/status").body.string
            let adminPage = try await admin.get("/status").body.string

            // then
            #expect(!visitor.contains("Sandbox containment"))
            #expect(!memberPage.contains("Sandbox containment"))
            #expect(adminPage.contains("Sandbox containment"))
            for mechanism in app.hosting.sandbox.containment.mechanisms {
                #expect(adminPage.contains(#"data-sandbox-check="\#(mechanism.name)""#), "\(mechanism.name)")
            }
            #expect(adminPage.contains("seccomp filter"))
        }
    }
}
