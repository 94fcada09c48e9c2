@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// SECURITY.md 42: an invitation link signs nobody in; the invitee signs in normally
/// as the invited address, then accepts. Links expire after 72 hours.
@Suite("Invitations")
struct InvitationTests {
    @Test("signed out, the link sends you to sign in and back; nobody is signed in or created by it", arguments: TestDatabase.all)
    func linkSignsNobodyIn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, ownerEmail) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let body = try #require(try await latestOutboxBody(app, to: invitee))
            #expect(body.contains("(\(ownerEmail))"), "the email names the inviter's verified address")
            #expect(body.contains("72 hours"))

            // when a signed-out visitor opens the link
            let guest = BrowserSession(app)
            let opened = try await guest.get(link.path)
            // then they are sent to sign in, coming back to the invitation
            #expect(opened.status == .seeOther)
            let location = try #require(opened.headers.first(name: .location))
            #expect(location == "/login?" + QueryString([("next", link.path)]).text)
            #expect(guest.sessionCookie == nil)
            // and accepting without signing in changes nothing
            let csrf = try #require(BrowserSession.csrfField(in: try await guest.get("/login").body.string))
            let posted = try await guest.postForm("/invite", ["token": link.token, "csrf": csrf])
            #expect(posted.status == .unauthorized)
            #expect(guest.sessionCookie == nil)
            #expect(try await User.query(on: app.db).filter(\.$email == invitee).count() == 0)
            #expect(try await Invitation.query(on: app.db).first()?.acceptedAt == nil)

            // when they sign in as the invited address (a new account) and open it again
            _ = try await AccountsTests.signInByEmail(guest, email: invitee)
            let page = try await guest.get(link.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(ownerEmail))
            #expect(page.body.string.contains("to this workspace as a member"), "the page says what joining makes them")
            try await Workspaces.accept(guest, link)
            // then they joined, and this session is in the workspace
            #expect(try await Workspaces.organizationID(guest) == organizationID)
            let me = try AccountDataTests.json(try await guest.get("/v1/auth/me"))
            #expect((me["org"] as? [String: Any])?["role"] as? String == "member")
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == (try await Workspaces.user(app, invitee)).id!).count() == 2,
                    "their personal workspace and the one they joined")
            // single use: Accept sent again by the person who joined (a double click) is no failure either: the dashboard
            let again = try await guest.postForm("/invite", ["token": link.token, "csrf": guest.csrfCookie ?? ""])
            #expect(again.status == .seeOther)
            #expect(again.headers.first(name: .location) == "/dashboard")
            // and the link opened again by the person who joined (Back after accepting) is no failure: the dashboard
            let reopened = try await guest.get(link.path)
            #expect(reopened.status == .seeOther)
            #expect(reopened.headers.first(name: .location) == "/dashboard")
            // while anyone else still hears it was used
            let (other, _) = try await AccountDataTests.signedIn(app)
            #expect(try await other.get(link.path).status == .gone)
        }
    }

    @Test("signed in as someone else: a clear page, audited, nothing changed", arguments: TestDatabase.all)
    func wrongAccount(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let (other, otherEmail) = try await AccountDataTests.signedIn(app)
            // when
            let page = try await other.get(link.path)
            let posted = try await other.postForm("/invite", ["token": link.token, "csrf": other.csrfCookie ?? ""])
            // then
            #expect(page.status == .forbidden)
            #expect(page.body.string.contains("This invitation is for \(invitee), but you are signed in as \(otherEmail)"))
            #expect(posted.status == .forbidden)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 1)
            #expect(try await Invitation.query(on: app.db).first()?.acceptedAt == nil)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.refused").all()
            #expect(refusals.count == 2)
            #expect(refusals.allSatisfy { $0.organizationID == organizationID && $0.metadata.contains("wrong_account") })
        }
    }

    @Test("an invitation sent on Team cannot be accepted once the workspace is on a plan for one person; back on Team it can",
          arguments: TestDatabase.all)
    func planWithoutMembers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an invitation sent on Team, then the workspace moved to Hobby
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let organization = try #require(try await Organization.find(organizationID, on: app.db))
            organization.planOverride = PlanID.hobby.rawValue
            try await organization.save(on: app.db)
            let browser = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(browser, email: invitee)

            // when
            let page = try await browser.get(link.path)
            let posted = try await browser.postForm("/invite", ["token": link.token, "csrf": browser.csrfCookie ?? ""])

            // then
            #expect(page.status == .paymentRequired)
            #expect(page.body.string.contains("Hobby plan now"))
            #expect(posted.status == .paymentRequired)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 1)
            #expect(try await Invitation.query(on: app.db).first()?.acceptedAt == nil)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.refused").all()
            #expect(refusals.count == 2 && refusals.allSatisfy { $0.metadata.contains("plan_limit") })

            // when the workspace is back on Team
            organization.planOverride = PlanID.team.rawValue
            try await organization.save(on: app.db)
            try await Workspaces.accept(browser, link)

            // then
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 2)
        }
    }

    @Test("links expire after 72 hours, old 7-day links too: a friendly page, audited, nothing changed", arguments: TestDatabase.all)
    func expiry(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            // given
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let invitation = try #require(try await Invitation.query(on: app.db).first())
            #expect(invitation.expiresAt.timeIntervalSince(invitation.createdAt) == 72 * 3600)
            // an invitation sent when links lived 7 days
            invitation.expiresAt = invitation.createdAt.addingTimeInterval(7 * 86_400)
            try await invitation.save(on: app.db)
            let invited = BrowserSession(app)
            clock.advance(71 * 3600)
            _ = try await AccountsTests.signInByEmail(invited, email: invitee)
            #expect(try await invited.get(link.path).status == .ok, "still open at 71 hours")
            // when
            clock.advance(3600 + 1)
            let page = try await invited.get(link.path)
            let posted = try await invited.postForm("/invite", ["token": link.token, "csrf": invited.csrfCookie ?? ""])
            // then
            #expect(page.status == .gone)
            #expect(page.body.string.contains("expired"))
            #expect(posted.status == .gone)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 1)
            #expect(try await Invitation.query(on: app.db).first()?.acceptedAt == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.refused").all()
                .filter { $0.metadata.contains("invitation_expired") }.count == 2)
        }
    }

    @Test("inviting the same address again replaces the earlier invitation: one pending entry, only the newest link and role", arguments: TestDatabase.all)
    func reinvite(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let first = try await Workspaces.invite(owner, invitee)
            // when
            let second = try await Workspaces.invite(owner, invitee, role: "owner")
            // then
            #expect(first.token != second.token)
            let pending = try await Invitation.query(on: app.db).filter(\.$email == invitee).all()
            #expect(pending.count == 1 && pending.first?.role == "owner")
            let guest = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(guest, email: invitee)
            let stale = try await guest.get(first.path)
            #expect(stale.status != .ok, "the earlier link no longer works")
            #expect(stale.body.string.contains("replaced by a newer invitation to the same address"), "and says why it may not")
            #expect(try await guest.get(second.path).status == .ok)
            // and the owner is told the invitation replaced one, where a first invitation only says it was sent
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            let third = try await owner.postForm("/settings/members", ["email": invitee, "role": "member", "csrf": csrf])
            #expect(third.headers.first(name: .location) == "/settings?saved=reinvited")
            #expect(try await owner.get("/settings?saved=reinvited").body.string.contains("It replaces the one sent to this address before"))
            let fresh = try await owner.postForm("/settings/members", ["email": AccountsTests.uniqueEmail().lowercased(), "role": "member", "csrf": csrf])
            #expect(fresh.headers.first(name: .location) == "/settings?saved=invited")
        }
    }

    @Test("the same invitation sent twice at once (a double click) leaves one that works", arguments: TestDatabase.all)
    func doubleClick(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(owner)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            // when
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<2 { group.addTask { try await owner.postForm("/settings/members", ["email": invitee, "role": "member", "csrf": csrf]).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // then both said "sent", and an invitation is still pending, each deleting "every other" no more
            #expect(statuses == [.seeOther, .seeOther])
            let pending = try await Invitation.query(on: app.db).filter(\.$email == invitee).all()
            #expect(!pending.isEmpty)
            // and its emailed link opens it
            let links = try await OutboxMessage.query(on: app.db).filter(\.$recipient == invitee).all().compactMap { message in
                DevOutboxController.firstLink(in: message.body).flatMap { URLComponents(string: $0)?.queryItems?.first { $0.name == "token" }?.value }
            }
            #expect(links.count == 2)
            #expect(pending.allSatisfy { invitation in links.contains { SecretToken.sha256($0) == invitation.tokenHash } })
        }
    }

    @Test("Accept pressed several times at once: every answer goes to the dashboard, one membership, one joined event, no refusal",
          arguments: TestDatabase.all)
    func acceptTwiceAtOnce(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let browser = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(browser, email: invitee)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(link.path).body.string))
            // when
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let answer = try await browser.postForm("/invite", ["token": link.token, "csrf": csrf])
                        return "\(answer.status.code) \(answer.headers.first(name: .location) ?? "")"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // then
            #expect(answers == Array(repeating: "303 /dashboard", count: 4))
            let user = try await Workspaces.user(app, invitee)
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).count() == 2, "their own workspace and the one they joined")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "member.joined").count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.refused").count() == 0)
        }
    }
}

@Suite("Invitations: cancelled by an owner, or with the person who sent them")
struct InvitationRevocationTests {
    static func removeForm(_ browser: BrowserSession, of email: String) async throws -> String {
        let settings = try await browser.get("/settings").body.string
        let row = try #require(settings.components(separatedBy: "<tr>").first { $0.contains(email) })
        let action = try #require(row.range(of: #"action="([^"]+/remove)""#, options: .regularExpression).map { String(row[$0]) })
        return String(action.dropFirst(#"action=""#.count).dropLast())
    }

    @Test("a removed owner's pending invitation (to another address of theirs, as owner) does not let them back in", arguments: TestDatabase.all)
    func removedInviter(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (first, firstEmail) = try await AccountDataTests.signedIn(app)
            let secondEmail = AccountsTests.uniqueEmail().lowercased()
            let second = try await Workspaces.join(app, try await Workspaces.invite(first, secondEmail, role: "owner"), as: secondEmail)
            let alternate = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(first, alternate, role: "owner")
            // when the other owner removes the first
            let csrf = try #require(BrowserSession.csrfField(in: try await second.get("/settings").body.string))
            #expect(try await second.postForm(try await Self.removeForm(second, of: firstEmail), ["csrf": csrf]).status == .seeOther)
            // then the invitation the first sent is gone, and its link opens nothing
            #expect(try await Invitation.query(on: app.db).filter(\.$email == alternate).count() == 0)
            let stranger = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(stranger, email: alternate)
            #expect(try await stranger.get(link.path).status == .notFound)
            let posted = try await stranger.postForm("/invite", ["token": link.token, "csrf": stranger.csrfCookie ?? ""])
            #expect(posted.status == .notFound)
            let removed = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "member.removed").first())
            #expect(removed.metadata.contains("\"invitations_cancelled\":\"1\""), "\(removed.metadata)")
        }
    }

    @Test("an owner cancels a pending invitation from Settings; a member cannot", arguments: TestDatabase.all)
    func ownerCancels(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == invitee).first())
            let action = SiteRoute.settingsAction(.revokeInvitation(.value(invitation.id!))).path
            let settings = try await owner.get("/settings").body.string
            #expect(settings.contains("action=\"\(action)\""))
            #expect(settings.contains("aria-label=\"Cancel the invitation to \(invitee)\""))
            // a member cannot
            let memberCSRF = try #require(BrowserSession.csrfField(in: try await member.get("/settings").body.string))
            #expect(try await member.postForm(action, ["csrf": memberCSRF]).status == .forbidden)
            #expect(try await Invitation.find(invitation.id, on: app.db) != nil)
            // the owner can
            let csrf = try #require(BrowserSession.csrfField(in: settings))
            let cancelled = try await owner.postForm(action, ["csrf": csrf])
            #expect(cancelled.status == .seeOther)
            #expect(try await owner.get(cancelled.headers.first(name: .location) ?? "").body.string.contains("Invitation cancelled."))
            #expect(try await Invitation.find(invitation.id, on: app.db) == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.revoked").count() == 1)
            let guest = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(guest, email: invitee)
            #expect(try await guest.get(link.path).status == .notFound)
            // a second cancel finds nothing
            #expect(try await owner.postForm(action, ["csrf": csrf]).status == .notFound)
        }
    }

    @Test("an invitation the provider could not send is not left pending, and an earlier one to the address stays", arguments: TestDatabase.all)
    func unsentInvitationIsNotPending(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an owner who invited someone once, and then a mail provider that cannot be reached
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let email = AccountsTests.uniqueEmail().lowercased()
            _ = try await Workspaces.invite(owner, email)
            let first = try #require(try await Invitation.query(on: app.db).filter(\.$email == email).first())
            let accounts = app.accounts
            app.accounts = AccountsEnvironment(
                cookies: accounts.cookies, publicURL: accounts.publicURL, secret: accounts.secret,
                mailer: try Delivery.mailer(.postmark(serverToken: "test-token-not-real", from: "login@example.com", baseURL: "http://127.0.0.1:9"), app: app),
                sms: accounts.sms, showsOutbox: accounts.showsOutbox, origins: accounts.origins)
            // when the owner invites the address again
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            let sent = try await owner.postForm("/settings/members", ["email": email, "role": "owner", "csrf": csrf])
            // then they are told it was not sent, and only the first invitation is pending, as it was
            #expect(sent.status == .serviceUnavailable, "\(sent.body.string.prefix(300))")
            #expect(sent.body.string.contains("could not send the invitation"))
            let pending = try await Invitation.query(on: app.db).filter(\.$email == email).all()
            #expect(pending.map(\.id) == [first.id])
            #expect(pending.first?.role == "member")
        }
    }
}
