@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Inviting people and joining workspaces the way people do: an owner's form, the
/// emailed link, a normal sign-in as the invited address, then accepting.
enum Workspaces {
    struct Link {
        let path: String
        let token: String
    }

    /// The owner invites `email`; returns the emailed link.
    /// Members come with the Team plan: a workspace on a plan without them moves to Team first.
    static func invite(_ owner: BrowserSession, _ email: String, role: String = "member") async throws -> Link {
        try await allowMembers(owner)
        let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
        let sent = try await owner.postForm("/settings/members", ["email": email, "role": role, "csrf": csrf])
        #expect(sent.status == .seeOther)
        return try await link(owner.app, to: email)
    }

    /// Moves the browser's workspace to Team (an operator's override) unless its plan already has members.
    static func allowMembers(_ owner: BrowserSession) async throws {
        let organization = try #require(try await Organization.find(try await organizationID(owner), on: owner.app.db))
        guard !owner.app.config.plans.plan(for: organization).members else { return }
        organization.planOverride = PlanID.team.rawValue
        try await organization.save(on: owner.app.db)
    }

    /// The invitation link in the newest email to `email`.
    static func link(_ app: Application, to email: String) async throws -> Link {
        let body = try #require(try await latestOutboxBody(app, to: email))
        let url = try #require(DevOutboxController.firstLink(in: body))
        let path = String(url.dropFirst(app.publicSite.baseURL.count))
        let token = try #require(URLComponents(string: path)?.queryItems?.first { $0.name == "token" }?.value)
        return Link(path: path, token: token)
    }

    /// Signs `email` in (a new browser), opens the link and accepts; the browser's
    /// session is then in the inviting workspace.
    static func join(_ app: Application, _ link: Link, as email: String) async throws -> BrowserSession {
        let browser = BrowserSession(app)
        _ = try await AccountsTests.signInByEmail(browser, email: email)
        try await accept(browser, link)
        return browser
    }

    static func accept(_ browser: BrowserSession, _ link: Link) async throws {
        let page = try await browser.get(link.path)
        #expect(page.status == .ok, "the invitation page answered \(page.status): \(page.body.string.prefix(300))")
        let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
        let accepted = try await browser.postForm("/invite", ["token": link.token, "csrf": csrf])
        #expect(accepted.status == .seeOther)
    }

    /// The current workspace of a signed-in browser.
    static func organizationID(_ browser: BrowserSession) async throws -> UUID {
        let me = try AccountDataTests.json(try await browser.get("/v1/auth/me"))
        return try #require(UUID(uuidString: (me["org"] as? [String: Any])?["id"] as? String ?? ""))
    }

    static func user(_ app: Application, _ email: String) async throws -> User {
        try #require(try await User.query(on: app.db).filter(\.$email == email.lowercased()).first())
    }
}
