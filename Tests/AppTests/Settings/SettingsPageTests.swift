@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Settings page (forms without JavaScript)")
struct SettingsPageTests {
    @Test("profile, token shown once, revoke, and the danger zone, all as plain forms", arguments: TestDatabase.all)
    func forms(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let page = try await alice.get("/settings")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            // the plan section names this deployment's drafter (offline here), not the model the plan advertises
            #expect(page.body.string.contains("offline drafter drafts your servers"))
            #expect(!page.body.string.contains(PlanTable.plan(.hobby).modelLine))

            let saved = try await alice.postForm("/settings/profile", ["displayName": "Alice", "csrf": csrf])
            #expect(saved.status == .seeOther)
            #expect(try await alice.get("/settings?saved=profile").body.string.contains("Profile saved."))
            let invalid = try await alice.postForm("/settings/profile", ["displayName": " ", "csrf": csrf])
            #expect(invalid.status == .unprocessableEntity)
            // what was typed stays in the field to correct
            let reordering = try await alice.postForm("/settings/profile", ["displayName": "Alice\u{202E}moc.elpmaxe", "csrf": csrf])
            #expect(reordering.status == .unprocessableEntity)
            #expect(HTMLInspector(html: reordering.body.string).tags("input").first { $0.attributes["id"] == "displayName" }?.attributes["value"]?
                .hasPrefix("Alice\u{202E}") == true)

            // an expiry that is not a number of days is refused, never read as "no expiry"
            for typed in ["abc", "99999999999999999999999", "1.5"] {
                let refused = try await alice.postForm("/settings/tokens", ["name": "odd", "expiresInDays": typed, "scope": "api", "csrf": csrf])
                #expect(refused.status == .unprocessableEntity, "\(typed)")
                #expect(refused.body.string.contains("whole number of days"), "\(typed)")
                // beside the form, which the answer opens at (the form posts to the tokens section's anchor)
                let error = try #require(HTMLInspector(html: refused.body.string).tags("p").first { $0.attributes["id"] == "token-error" })
                #expect(error.attributes["role"] == "alert")
                #expect(HTMLInspector(html: refused.body.string).tags("form").contains { $0.attributes["action"] == "/settings/tokens#tokens-title" })
            }
            #expect(try await APIToken.query(on: app.db).count() == 0)

            // the form starts at 90 days, MCP only; a refused one keeps the expiry and reach that were chosen
            let fresh = HTMLInspector(html: page.body.string)
            #expect(fresh.tags("option").first { $0.attributes["selected"] != nil }?.attributes["value"] == "90")
            #expect(fresh.tags("input").first { $0.attributes["name"] == "scope" && $0.attributes["checked"] != nil }?.attributes["value"] == "mcp")
            let blank = try await alice.postForm("/settings/tokens", ["name": "   ", "expiresInDays": "365", "scope": "api mcp", "csrf": csrf])
            #expect(blank.status == .unprocessableEntity)
            let kept = HTMLInspector(html: blank.body.string)
            #expect(kept.tags("option").first { $0.attributes["selected"] != nil }?.attributes["value"] == "365")
            #expect(kept.tags("input").first { $0.attributes["name"] == "scope" && $0.attributes["checked"] != nil }?.attributes["value"] == "api mcp")
            #expect(try await APIToken.query(on: app.db).count() == 0)

            let created = try await alice.postForm("/settings/tokens", ["name": "laptop", "expiresInDays": "30", "scope": "api", "csrf": csrf])
            #expect(created.status == .ok)
            let secret = try #require(created.body.string.components(separatedBy: "<code>bmm_").dropFirst().first?.components(separatedBy: "</code>").first)
            #expect(try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer bmm_\(secret)"]).status == .ok)
            let again = try await alice.get("/settings")
            #expect(!again.body.string.contains(secret))
            #expect(again.body.string.contains("laptop"))

            let token = try #require(try await APIToken.query(on: app.db).first())
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let bobCSRF = try #require(BrowserSession.csrfField(in: try await bob.get("/settings").body.string))
            let stolen = try await bob.postForm("/settings/tokens/\(token.id!)/revoke", ["csrf": bobCSRF])
            #expect(stolen.status == .notFound)
            #expect(try await APIToken.find(token.id, on: app.db) != nil)
            let revoked = try await alice.postForm("/settings/tokens/\(token.id!)/revoke", ["csrf": csrf])
            #expect(revoked.status == .seeOther)
            #expect(try await APIToken.find(token.id, on: app.db) == nil)

            let wrong = try await alice.postForm("/settings/delete", ["confirm": "nope", "csrf": csrf])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Type your email address"))
            // the reason is at the field, which is marked, described by it and focused (not in a banner a page above)
            let field = try #require(HTMLInspector(html: wrong.body.string).tags("input").first { $0.attributes["id"] == "confirm" })
            #expect(field.attributes["aria-invalid"] == "true" && field.attributes["aria-describedby"] == "confirm-error" && field.attributes["autofocus"] != nil)
            #expect(wrong.body.string.contains(#"<p class="field-error" id="confirm-error" role="alert">Type your email address"#))
            let gone = try await alice.postForm("/settings/delete", ["confirm": email, "csrf": csrf])
            #expect(gone.status == .seeOther)
            #expect(gone.headers.first(name: .location) == "/login?notice=account-deleted")
            #expect(try await User.query(on: app.db).filter(\.$email == email).count() == 0)
            // it lands signed out on the sign-in page, which says the account was deleted (and only from its own list)
            let landed = try await app.testing().sendRequest(.GET, "/login?notice=account-deleted").body.string
            #expect(landed.contains("Your account was deleted and you are signed out."))
            #expect(!(try await app.testing().sendRequest(.GET, "/login?notice=Call%20us").body.string.contains("Call us")))
            #expect(try await alice.get("/settings").status == .seeOther)
            // the address is told, after the account is gone
            let deletedNotice = try #require(try await latestOutboxBody(app, to: email))
            #expect(deletedNotice.contains("was deleted"))
        }
    }
}

@Suite("Signed-in shell")
struct AppShellTests {
    @Test("app navigation marks the current page", arguments: TestDatabase.all, [
        ("/dashboard", "Overview"), ("/audit", "Audit"), ("/settings", "Settings"),
    ])
    func navigation(database: TestDatabase, current: (path: String, title: String)) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            // when
            let page = HTMLInspector(html: try await alice.get(current.path).body.string)
            // then
            let marked = page.tags("a").filter { $0.attributes["aria-current"] == "page" }.compactMap { $0.attributes["href"] }
            #expect(marked.filter { $0 == current.path }.count == 2, "app nav and tab bar")
            #expect(page.texts("nav").contains { $0.contains(current.title) })
            #expect(page.h1Count == 1)
        }
    }

    @Test("the user menu shows who and which plan, the avatar colour is stable; public pages stay the same for everyone", arguments: TestDatabase.all)
    func userMenu(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, email) = try await AccountDataTests.signedIn(app)
            // when
            let html = try await alice.get("/dashboard").body.string
            // then
            #expect(html.contains(email))
            #expect(html.contains("badge badge-accent\">Hobby"))
            #expect(html.contains("avatar avatar-\(AppShellBuilder.avatarIndex(email))"))
            #expect(AppShellBuilder.avatarIndex(email.uppercased()) == AppShellBuilder.avatarIndex(email))
            #expect(!html.contains("href=\"/admin\""))
            // public pages: no shell, no personal data
            let pricing = try await alice.get("/pricing")
            #expect(pricing.status == .ok)
            #expect(!pricing.body.string.contains(email))
            #expect(!pricing.body.string.contains("tab-bar"))
        }
    }
}

@Suite("Workspaces: rename, invite, join, switch, remove")
struct WorkspaceTests {
    @Test("an owner invites by email; the invitee signs in, accepts and joins; only owners manage members", arguments: TestDatabase.all)
    func inviteFlow(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            #expect(try await owner.postForm("/settings/workspace", ["name": "Acme <Labs>", "csrf": csrf]).status == .seeOther)
            #expect(try await owner.get("/settings").body.string.contains("Acme &lt;Labs&gt;"))
            // a name that would split an invitation's subject or reorder the text around it is refused, the old one kept
            for name in ["Team\r\nBcc: someone@example.com", "Acme Security Team\u{202E}"] {
                let refusedName = try await owner.postForm("/settings/workspace", ["name": name, "csrf": csrf])
                #expect(refusedName.status == .unprocessableEntity)
                #expect(refusedName.body.string.contains("on one line"))
                // the field holds what was sent, marked invalid with the reason beside it (it showed the saved name)
                let field = try #require(HTMLInspector(html: refusedName.body.string).tags("input").first { $0.attributes["id"] == "workspace-name" })
                #expect(field.attributes["aria-invalid"] == "true" && field.attributes["aria-describedby"] == "workspace-name-error")
                #expect(field.attributes["value"] != "Acme <Labs>")
            }
            #expect(try await owner.get("/settings").body.string.contains("Acme &lt;Labs&gt;"))

            // on Hobby there is no invite form, only the way to a plan with members; a posted invitation is 402
            let single = try await owner.get("/settings").body.string
            #expect(!single.contains("id=\"invite-email\"") && single.contains("Members come with the Team plan"))
            let notInPlan = try await owner.postForm("/settings/members", ["email": "colleague@example.com", "role": "member", "csrf": csrf])
            #expect(notInPlan.status == .paymentRequired)
            #expect(notInPlan.body.string.contains("members come with the Team plan"))
            #expect(try await Invitation.query(on: app.db).count() == 0)
            try await Workspaces.allowMembers(owner)

            // a refused address: kept in the field, the reason beside it, the role as chosen
            let refused = try await owner.postForm("/settings/members", ["email": "colleague@example", "role": "owner", "csrf": csrf])
            #expect(refused.status == .unprocessableEntity)
            let field = try #require(HTMLInspector(html: refused.body.string).tags("input").first { $0.attributes["id"] == "invite-email" })
            #expect(field.attributes["value"] == "colleague@example")
            #expect(field.attributes["aria-invalid"] == "true" && field.attributes["aria-describedby"] == "invite-email-error")
            #expect(refused.body.string.contains("id=\"invite-email-error\""))
            #expect(refused.body.string.contains("<option value=\"owner\" selected>"))
            // a role the form does not offer is refused, not read as member
            let oddRole = try await owner.postForm("/settings/members", ["email": "colleague@example.com", "role": "admin", "csrf": csrf])
            #expect(oddRole.status == .unprocessableEntity)
            #expect(oddRole.body.string.contains("Choose Member or Owner"))
            #expect(try await Invitation.query(on: app.db).count() == 0)
            // and the form's address opened directly (a reload) lands on the settings page, not a 405
            let reopened = try await owner.get("/settings/members")
            #expect(reopened.status == .seeOther && reopened.headers.first(name: .location) == "/settings")

            let invitee = AccountsTests.uniqueEmail().lowercased()
            let link = try await Workspaces.invite(owner, invitee)
            #expect(try await owner.get("/settings").body.string.contains(invitee))

            // the invitee signs in as usual in their own browser, opens the link and accepts
            let guest = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(guest, email: invitee)
            let page = try await guest.get(link.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Join Acme &lt;Labs&gt;"))
            try await Workspaces.accept(guest, link)
            let me = try AccountDataTests.json(try await guest.get("/v1/auth/me"))
            #expect((me["org"] as? [String: Any])?["name"] as? String == "Acme <Labs>")
            #expect((me["org"] as? [String: Any])?["role"] as? String == "member")
            // single use
            #expect(try await BrowserSession(app).postForm("/invite", ["token": link.token, "csrf": ""]).status == .forbidden)
            #expect(try await guest.postForm("/invite", ["token": link.token, "csrf": guest.csrfCookie ?? ""]).status == .seeOther,
                    "the one who joined lands on the dashboard")

            // a member cannot rename, invite or remove
            let guestCSRF = try #require(BrowserSession.csrfField(in: try await guest.get("/settings").body.string))
            #expect(try await guest.postForm("/settings/workspace", ["name": "Mine now", "csrf": guestCSRF]).status == .forbidden)
            #expect(try await guest.postForm("/settings/members", ["email": "x@example.com", "csrf": guestCSRF]).status == .forbidden)

            // the owner removes the member; their session in this workspace ends
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$role == "member").first())
            // Remove and Make owner ask once more, without JavaScript: a <details> holds the button that posts
            let members = try await owner.get("/settings").body.string
            let remove = "/settings/members/\(membership.id!.uuidString.lowercased())/remove"
            let removeStep = try #require(members.range(of: "<details class=\"confirm-step\"><summary class=\"button button-secondary button-sm\">Remove</summary><form method=\"post\" action=\"\(remove)\""))
            #expect(members[removeStep.upperBound...].prefix(600).contains("loses access to this workspace at once"))
            #expect(members.contains("<summary class=\"button button-secondary button-sm\">Make owner</summary>"))
            #expect(try await owner.postForm("/settings/members/\(membership.id!)/remove", ["csrf": csrf]).status == .seeOther)
            // they are told by email
            let removedNotice = try #require(try await outboxMessages(app).first { $0.recipient == invitee })
            #expect(removedNotice.subject == "You no longer have access to Acme <Labs> on BuildMyMCPServer")
            #expect(removedNotice.body.contains("removed you from it"))
            // they stay signed in, in their own workspace, and the removed one is gone from theirs
            let after = try AccountDataTests.json(try await guest.get("/v1/auth/me"))
            #expect((after["org"] as? [String: Any])?["name"] as? String != "Acme <Labs>")
            #expect((after["org"] as? [String: Any])?["role"] as? String == "owner")
            #expect(!(try await guest.get("/settings").body.string.contains("Acme &lt;Labs&gt;")))
            #expect(try await guest.get("/servers").status == .ok)
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: ["org.renamed", "member.invited", "member.joined", "member.removed"]))
        }
    }

    @Test("the last owner cannot be removed, and people with two workspaces can switch", arguments: TestDatabase.all)
    func ownersAndSwitching(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, ownerEmail) = try await AccountDataTests.signedIn(app)
            let (other, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(other)
            let otherCSRF = try #require(BrowserSession.csrfField(in: try await other.get("/settings").body.string))
            _ = try await other.postForm("/settings/members", ["email": ownerEmail, "role": "owner", "csrf": otherCSRF])
            try await Workspaces.accept(owner, try await Workspaces.link(app, to: ownerEmail))

            let settings = try await owner.get("/settings").body.string
            let choices = HTMLInspector(html: settings).tags("option").compactMap { $0.attributes["value"] }.filter { UUID(uuidString: $0) != nil }
            #expect(choices.count == 2)
            let csrf = try #require(BrowserSession.csrfField(in: settings))
            let current = try #require((try AccountDataTests.json(try await owner.get("/v1/auth/me"))["org"] as? [String: Any])?["id"] as? String)
            let target = try #require(choices.first { $0 != current })
            #expect(try await owner.postForm("/settings/workspace/switch", ["organization": target, "csrf": csrf]).status == .seeOther)
            #expect((try AccountDataTests.json(try await owner.get("/v1/auth/me"))["org"] as? [String: Any])?["id"] as? String == target)
            #expect(try await owner.postForm("/settings/workspace/switch", ["organization": UUID().uuidString, "csrf": csrf]).status == .notFound)

            // in a workspace with one owner, that owner cannot be removed
            let (solo, _) = try await AccountDataTests.signedIn(app)
            let soloCSRF = try #require(BrowserSession.csrfField(in: try await solo.get("/settings").body.string))
            let soloMe = try AccountDataTests.json(try await solo.get("/v1/auth/me"))
            let soloOrg = try #require(UUID(uuidString: (soloMe["org"] as? [String: Any])?["id"] as? String ?? ""))
            let soloMembership = try #require(try await Membership.query(on: app.db).filter(\.$organization.$id == soloOrg).first())
            let refused = try await solo.postForm("/settings/members/\(soloMembership.id!)/remove", ["csrf": soloCSRF])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("at least one owner"))
            #expect(try await Membership.find(soloMembership.id, on: app.db) != nil)
        }
    }
}

@Suite("Usage")
struct UsageTests {
    @Test("usage is counted per UTC day and organization, concurrency-safe, and drawn on the overview", arguments: TestDatabase.all)
    func usage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let orgs = try await Organization.query(on: app.db).sort(\.$createdAt).all()
            let aliceOrg = try #require(orgs.first?.id), bobOrg = try #require(orgs.last?.id)
            let now = Date()
            let usage = UsageService(database: app.db, now: now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await usage.record(.draft, organization: aliceOrg) } }
                try await group.waitForAll()
            }
            try await usage.record(.build, organization: aliceOrg)
            try await UsageService(database: app.db, now: now.addingTimeInterval(-86_400 * 40)).record(.draft, organization: aliceOrg)
            try await usage.record(.draft, organization: bobOrg)

            #expect(try await usage.today(.draft, organization: aliceOrg) == 4)
            #expect(try await usage.today(.build, organization: aliceOrg) == 1)
            let month = try await usage.thisMonth(organization: aliceOrg)
            #expect(month.reduce(0) { $0 + $1.drafts } == 4)

            let html = try await alice.get("/dashboard").body.string
            #expect(html.contains("4 of 5 drafts"))
            #expect(html.contains("1 of 3 builds"))
            #expect(html.components(separatedBy: "class=\"usage-bar").count - 1 == 2)
            #expect(html.contains("This month: 4 drafts and 1 build."))
            let settings = try await alice.get("/settings").body.string
            #expect(settings.contains("Today: <strong>4</strong> of 5 drafts, <strong>1</strong> of 3 builds."))
            #expect(settings.contains("2 hosted servers"))
            let bobs = try await bob.get("/dashboard").body.string
            #expect(bobs.contains("1 of 5 drafts"))
        }
    }
}

@Suite("Settings: signing out every other browser")
struct OtherSessionsTests {
    @Test("the page counts the other browsers; signing them out ends those sessions and keeps this one", arguments: TestDatabase.all)
    func endOthers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (laptop, email) = try await AccountDataTests.signedIn(app)
            #expect(try await laptop.get("/settings").body.string.contains("This is the only browser signed in to your account."))
            let phone = BrowserSession(app), tablet = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(phone, email: email)
            _ = try await AccountsTests.signInByEmail(tablet, email: email)
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let page = try await laptop.get("/settings").body.string
            #expect(page.contains("You are also signed in on 2 other browsers."))
            // when
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let ended = try await laptop.postForm("/settings/sessions/end-others", ["csrf": csrf])
            // then
            #expect(ended.status == .seeOther)
            #expect(try await laptop.get(ended.headers.first(name: .location) ?? "").body.string.contains("Signed out of every other browser."))
            #expect(try await laptop.get("/v1/auth/me").status == .ok)
            #expect(try await phone.get("/v1/auth/me").status == .unauthorized)
            #expect(try await tablet.get("/v1/auth/me").status == .unauthorized)
            #expect(try await stranger.get("/v1/auth/me").status == .ok, "nobody else's sessions")
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_out_elsewhere").first())
            #expect(event.metadata.contains("\"sessions\":\"2\""))
            // an API token cannot do it
            let token = try await Hosting.token(laptop)
            let byToken = try await app.testing().sendRequest(.POST, "/settings/sessions/end-others", headers: ["Authorization": "Bearer \(token)"])
            #expect(byToken.status == .unauthorized || byToken.status == .forbidden)
        }
    }

    @Test("the page names each browser; signing one out ends that one only, and nobody else's", arguments: TestDatabase.all)
    func endOne(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given the same person on a laptop, a phone and a tablet
            let laptop = BrowserSession(app), phone = BrowserSession(app), tablet = BrowserSession(app)
            laptop.userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
            phone.userAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
            tablet.userAgent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
            let email = AccountsTests.uniqueEmail()
            for browser in [laptop, phone, tablet] { _ = try await AccountsTests.signInByEmail(browser, email: email) }
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let page = try await laptop.get("/settings").body.string
            let list = try #require(page.range(of: "<ul class=\"session-list\">").flatMap { start in page.range(of: "</ul>", range: start.upperBound..<page.endIndex).map { page[start.upperBound..<$0.lowerBound] } })
            let rows = HTMLInspector(html: String(list)).texts("li")
            #expect(rows.count == 3)
            let names = HTMLInspector(html: String(list)).texts("strong")
            #expect(names.first == "Firefox on Linux", "this browser first")
            #expect(Set(names) == ["Firefox on Linux", "Chrome on Android", "Safari on iPhone"])
            #expect(rows.first?.contains("This browser") == true && rows.first?.contains("Sign out") == false, "\(rows)")
            #expect(rows.dropFirst().allSatisfy { $0.contains("Sign out") && !$0.contains("This browser") }, "every other browser has its button")
            #expect(page.contains("You are also signed in on 2 other browsers."))
            let phoneSession = try #require(try await Session.query(on: app.db).filter(\.$userAgent == phone.userAgent).first())
            let strangerSession = try #require(try await Session.query(on: app.db).filter(\.$tokenHash == SecretToken.sha256(stranger.sessionCookie ?? "")).first())
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let action = "/settings/sessions/\(phoneSession.id!.uuidString.lowercased())/end"
            #expect(page.contains("action=\"\(action)\""))
            // when the laptop signs the phone out
            let ended = try await laptop.postForm(action, ["csrf": csrf])
            // then only the phone is signed out
            #expect(ended.status == .seeOther)
            #expect(try await laptop.get(ended.headers.first(name: .location) ?? "").body.string.contains("Signed out of that browser."))
            #expect(try await phone.get("/v1/auth/me").status == .unauthorized)
            #expect(try await tablet.get("/v1/auth/me").status == .ok)
            #expect(try await laptop.get("/v1/auth/me").status == .ok)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_out_elsewhere").all()
            #expect(events.count == 1)
            #expect(events.first?.metadata.contains("\"browser\":\"Safari on iPhone\"") == true, "\(events.first?.metadata ?? "")")
            // again: already gone, said so, nothing else happens
            let again = try await laptop.postForm(action, ["csrf": csrf])
            #expect(try await laptop.get(again.headers.first(name: .location) ?? "").body.string.contains("That browser was already signed out."))
            // another person's session is not this person's to end, and looks the same as a gone one
            let theirs = try await laptop.postForm("/settings/sessions/\(strangerSession.id!.uuidString.lowercased())/end", ["csrf": csrf])
            #expect(theirs.headers.first(name: .location)?.contains("session-gone") == true)
            #expect(try await stranger.get("/v1/auth/me").status == .ok)
            // this browser is signed out from the menu, not here
            let own = try #require(try await Session.query(on: app.db).filter(\.$userAgent == laptop.userAgent).first())
            let mine = try await laptop.postForm("/settings/sessions/\(own.id!.uuidString.lowercased())/end", ["csrf": csrf])
            #expect(mine.status == .conflict)
            #expect(try await laptop.get("/v1/auth/me").status == .ok)
            // and without the form's token nothing ends
            let tabletSession = try #require(try await Session.query(on: app.db).filter(\.$userAgent == tablet.userAgent).first())
            let forged = try await laptop.postForm("/settings/sessions/\(tabletSession.id!.uuidString.lowercased())/end", [:])
            #expect(forged.status == .forbidden)
            #expect(try await tablet.get("/v1/auth/me").status == .ok)
            // a long list stops at the most recently used, and says how many more there are
            let sessions = SessionService(database: app.db, now: app.clock.now(), random: app.random)
            for _ in 0..<25 { _ = try await sessions.create(userID: own.$user.id, organizationID: own.$organization.id, ip: "198.51.100.7", userAgent: "curl/8.5.0") }
            let long = try await laptop.get("/settings").body.string
            #expect(long.contains("You are also signed in on 26 other browsers."))
            #expect(long.components(separatedBy: "class=\"session-item\"").count - 1 == 1 + SettingsPageQuery.sessionsShown)
            #expect(long.contains("This browser"), "this browser is listed even when 25 others were used since")
            #expect(long.contains("And 6 more, used longer ago."))
        }
    }
}
