@testable import App
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
            try await Workspaces.accept(guest, link)
            // then they joined, and this session is in the workspace
            #expect(try await Workspaces.organizationID(guest) == organizationID)
            let me = try AccountDataTests.json(try await guest.get("/v1/auth/me"))
            #expect((me["org"] as? [String: Any])?["role"] as? String == "member")
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == (try await Workspaces.user(app, invitee)).id!).count() == 2,
                    "their personal workspace and the one they joined")
            // single use
            let again = try await guest.postForm("/invite", ["token": link.token, "csrf": guest.csrfCookie ?? ""])
            #expect(again.status == .gone)
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
            #expect(try await guest.get(first.path).status != .ok, "the earlier link no longer works")
            #expect(try await guest.get(second.path).status == .ok)
        }
    }
}
