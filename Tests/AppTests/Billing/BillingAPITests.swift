@testable import App
import Fluent
import Foundation
import StripeFake
import Testing
import Vapor
import VaporTesting

@Suite("Billing API: checkout, portal, status, cancel and reactivate, plan changes, against a local Stripe")
struct BillingAPITests {
    @Test("checkout: the owner gets a client secret (embedded) or a URL (hosted); the customer is recorded first", arguments: TestDatabase.all)
    func checkout(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            // given a new workspace's owner
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            // when
            let embedded = try await owner.postObject("/v1/billing/checkout-session", ["plan": "pro", "interval": "month"])
            let hosted = try await owner.postObject("/v1/billing/checkout-session", ["plan": "team", "interval": "year", "ui": "hosted"])
            // then
            #expect(embedded.status == .ok)
            let secret = try #require(try AccountDataTests.json(embedded)["clientSecret"] as? String)
            #expect(secret.contains("_secret_"))
            let url = try #require(try AccountDataTests.json(hosted)["url"] as? String)
            #expect(url.hasPrefix("https://checkout.stripe.com/c/pay/cs_test_"))
            let sessions = BillingFixture.requests(server, "POST", "/v1/checkout/sessions")
            #expect(sessions.count == 2)
            #expect(sessions[0].parameter("ui_mode") == "embedded_page")
            #expect(sessions[0].parameter("return_url") == app.publicSite.baseURL + "/settings/billing/return?session_id={CHECKOUT_SESSION_ID}")
            #expect(sessions[0].parameter("line_items[0][price]") == "price_pro_month")
            #expect(sessions[1].parameter("ui_mode") == "hosted_page")
            #expect(sessions[1].parameter("cancel_url") == app.publicSite.baseURL + "/settings/billing")
            #expect(BillingFixture.requests(server, "POST", "/v1/customers").count == 1, "one customer for the workspace")
            let row = try #require(try await WorkspaceSubscription.query(on: app.db).filter(\.$organization.$id == organizationID).first())
            #expect(row.stripeCustomerID.hasPrefix("cus_"))
            #expect(row.stripeSubscriptionID == nil)
            let organization = try #require(try await Organization.find(organizationID, on: app.db))
            #expect(organization.plan == "hobby", "no local plan change before Stripe's webhook")
        }
    }

    @Test("a subscribed workspace cannot open another checkout: already_subscribed", arguments: TestDatabase.all)
    func alreadySubscribed(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let response = try await owner.postObject("/v1/billing/checkout-session", ["plan": "team", "interval": "month"])
            #expect(response.status == .conflict)
            #expect(try BillingFixture.errorCode(response) == "already_subscribed")
        }
    }

    @Test("a subscription that no longer bills: ended or paused takes a new checkout and no cancel, keep or plan change; unpaid says to pay it",
          arguments: TestDatabase.all)
    func endedOrPausedSubscription(database: TestDatabase) async throws {
        for status in ["canceled", "paused", "unpaid"] {
            try await BillingFixture.run(database) { app, server in
                // given a workspace whose subscription's last known status is `status`
                let (owner, _) = try await AccountDataTests.signedIn(app)
                try await BillingFixture.subscribe(owner, status: status)
                server.stripe.setSubscriptionStatus("sub_seeded", status)

                // when
                let cancel = try await owner.postObject("/v1/billing/cancel", [:] as [String: String])
                let keep = try await owner.postObject("/v1/billing/reactivate", [:] as [String: String])
                let change = try await owner.postObject("/v1/billing/change-plan/preview", ["plan": "team", "interval": "month"])
                let checkout = try await owner.postObject("/v1/billing/checkout-session", ["plan": "pro", "interval": "month", "ui": "hosted"])

                // then
                if status == "unpaid" {
                    // Stripe still invoices it: cancelling it is the owner's to do, and a second one would be billed too
                    #expect(cancel.status == .ok, "\(status)")
                    #expect(checkout.status == .conflict)
                    #expect(try AccountDataTests.json(checkout)["message"] as? String == BillingFailure.subscriptionUnpaid.reason)
                } else {
                    for response in [cancel, keep, change] {
                        #expect(response.status == .conflict, "\(status)")
                        #expect(try BillingFixture.errorCode(response) == "no_subscription", "\(status)")
                    }
                    #expect(BillingFixture.requests(server, "POST", "/v1/subscriptions/sub_seeded").isEmpty, "\(status): nothing sent to Stripe")
                    #expect(checkout.status == .ok, "\(status): \(checkout.body.string)")
                    #expect((try AccountDataTests.json(checkout)["url"] as? String) != nil)
                }
            }
        }
    }

    @Test("paid but not yet confirmed by the webhook: a second checkout is refused, Stripe asked first, so nobody pays twice",
          arguments: TestDatabase.all)
    func paidCheckoutNotYetConfirmed(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            // given a checkout paid at Stripe whose webhook events have not arrived
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let opened = try await owner.postObject("/v1/billing/checkout-session", ["plan": "pro", "interval": "month", "ui": "hosted"])
            let url = try #require(try AccountDataTests.json(opened)["url"] as? String)
            let sessionID = try #require(url.split(separator: "/").last?.split(separator: "#").first.map(String.init))
            #expect(server.stripe.completeCheckout(sessionID: sessionID) != nil)
            let before = BillingFixture.requests(server, "POST", "/v1/checkout/sessions").count

            // when the owner starts another checkout
            let second = try await owner.postObject("/v1/billing/checkout-session", ["plan": "team", "interval": "month", "ui": "hosted"])

            // then it is refused, and no session was opened at Stripe
            #expect(second.status == .conflict)
            #expect(try BillingFixture.errorCode(second) == "already_subscribed")
            #expect(try AccountDataTests.json(second)["message"] as? String ?? "" == BillingFailure.subscriptionPending.reason)
            #expect(BillingFixture.requests(server, "POST", "/v1/checkout/sessions").count == before)
            #expect(BillingFixture.requests(server, "GET", "/v1/subscriptions").last?.parameter("status") == "all")
        }
    }

    @Test("unknown, free and contract plans and unknown intervals are 400 with a clear message", arguments: TestDatabase.all)
    func badChoices(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            for (body, code, words) in [
                (["plan": "gold", "interval": "month"], "invalid_plan", "pro or team"),
                (["plan": "hobby", "interval": "month"], "invalid_plan", "free plan"),
                (["plan": "enterprise", "interval": "year"], "invalid_plan", "contract"),
                (["plan": "pro", "interval": "week"], "invalid_interval", "month or year"),
            ] {
                let response = try await owner.postObject("/v1/billing/checkout-session", body)
                #expect(response.status == .badRequest)
                let json = try AccountDataTests.json(response)
                #expect(json["error"] as? String == code)
                #expect((json["message"] as? String ?? "").contains(words))
            }
            #expect(server.requests.isEmpty, "refused before Stripe")
        }
    }

    @Test("a body in another format is 415 unsupported_media_type; JSON that is not an object is 400 invalid_body", arguments: TestDatabase.all)
    func bodyFormats(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            // given a new workspace's owner
            let (owner, _) = try await AccountDataTests.signedIn(app)
            for path in ["/v1/billing/checkout-session", "/v1/billing/portal", "/v1/billing/cancel", "/v1/billing/reactivate",
                         "/v1/billing/change-plan/preview", "/v1/billing/change-plan"] {
                // when
                let xml = try await owner.send(.POST, path, headers: ["Content-Type": "application/xml", "X-CSRF-Token": owner.csrfCookie ?? ""],
                                               body: ByteBuffer(string: "<plan>pro</plan>"))
                let list = try await owner.send(.POST, path, headers: ["Content-Type": "application/json", "X-CSRF-Token": owner.csrfCookie ?? ""],
                                                body: ByteBuffer(string: "[1, 2]"))
                // then
                #expect(xml.status == .unsupportedMediaType, "\(path)")
                #expect(try BillingFixture.errorCode(xml) == "unsupported_media_type", "\(path)")
                #expect(list.status == .badRequest, "\(path)")
                #expect(try BillingFixture.errorCode(list) == "invalid_body", "\(path)")
            }
            #expect(server.requests.isEmpty, "refused before Stripe")
        }
    }

    @Test("members read the status; every change is the owner's (403 owner_required)", arguments: TestDatabase.all)
    func memberIsReadOnly(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            // given an owner's subscribed workspace with a member
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let email = "member-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, email), as: email)
            // when / then
            let status = try await member.get("/v1/billing/status")
            #expect(status.status == .ok)
            #expect(try AccountDataTests.json(status)["isOwner"] as? Bool == false)
            let before = server.requests.filter { $0.method == .POST }.count
            for path in ["/v1/billing/checkout-session", "/v1/billing/portal", "/v1/billing/cancel", "/v1/billing/reactivate",
                         "/v1/billing/change-plan/preview", "/v1/billing/change-plan"] {
                let response = try await member.postObject(path, ["plan": "team", "interval": "month"])
                #expect(response.status == .forbidden, "\(path)")
                #expect(try BillingFixture.errorCode(response) == "owner_required", "\(path)")
            }
            #expect(server.requests.filter { $0.method == .POST }.count == before, "no change reached Stripe")
        }
    }

    @Test("billing off: every change is 409 billing_off, the status says off, and nothing reaches Stripe", arguments: TestDatabase.all)
    func billingOff(database: TestDatabase) async throws {
        let server = try await FakeStripeServer.start()
        // given a deployment without STRIPE_SECRET_KEY, even with the API base pointed at the fake
        let environment = ["STRIPE_API_BASE": server.baseURL]
        try await withConfiguredApp(try testConfig(database: database, environment: environment)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            for path in ["/v1/billing/checkout-session", "/v1/billing/portal", "/v1/billing/cancel", "/v1/billing/reactivate",
                         "/v1/billing/change-plan/preview", "/v1/billing/change-plan"] {
                let response = try await owner.postObject(path, ["plan": "pro", "interval": "month"])
                #expect(response.status == .conflict, "\(path)")
                let json = try AccountDataTests.json(response)
                #expect(json["error"] as? String == "billing_off")
                #expect((json["message"] as? String ?? "").contains("Billing is off on this deployment"))
            }
            let status = try AccountDataTests.json(try await owner.get("/v1/billing/status"))
            #expect(status["billing"] as? String == "off")
            #expect((status["plan"] as? [String: Any])?["id"] as? String == "hobby")
            #expect(status["notice"] == nil)
            #expect(BillingAPITests.usageLabels(status) == BillingAPITests.everyQuota)
        }
        #expect(server.requests.isEmpty, "no request reached Stripe")
        await server.stop()
    }

    @Test("no customer: portal 409 no_customer; cancel, reactivate and plan changes 409 no_subscription", arguments: TestDatabase.all)
    func noCustomer(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let portal = try await owner.postObject("/v1/billing/portal", [:] as [String: String])
            #expect(portal.status == .conflict)
            #expect(try BillingFixture.errorCode(portal) == "no_customer")
            for path in ["/v1/billing/cancel", "/v1/billing/reactivate", "/v1/billing/change-plan/preview"] {
                let response = try await owner.postObject(path, ["plan": "team", "interval": "month"])
                #expect(response.status == .conflict, "\(path)")
                #expect(try BillingFixture.errorCode(response) == "no_subscription", "\(path)")
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("status: the row plus Stripe's live subscription and last 5 invoices with links, and usage", arguments: TestDatabase.all)
    func status(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            // when
            let response = try await owner.get("/v1/billing/status")
            // then
            let json = try AccountDataTests.json(response)
            #expect(json["billing"] as? String == "on")
            #expect(json["notice"] == nil)
            let subscription = try #require(json["subscription"] as? [String: Any])
            #expect(subscription["source"] as? String == "stripe")
            #expect(subscription["plan"] as? String == "pro")
            #expect(subscription["status"] as? String == "active")
            let invoices = try #require(json["invoices"] as? [[String: Any]])
            #expect(invoices.count == 5)
            #expect(invoices.first?["number"] as? String == "BMM-0006", "newest first")
            #expect((invoices.first?["pdfURL"] as? String ?? "").hasPrefix("https://pay.stripe.com/"))
            #expect((invoices.first?["hostedURL"] as? String ?? "").hasPrefix("https://invoice.stripe.com/"))
            #expect(BillingAPITests.usageLabels(json) == BillingAPITests.everyQuota)
        }
    }

    @Test("cancel at period end, reactivate, portal: Stripe's answer, the local plan untouched", arguments: TestDatabase.all)
    func cancelReactivatePortal(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let cancelled = try AccountDataTests.json(try await owner.postObject("/v1/billing/cancel", ["requestId": "cancel-0001"]))
            #expect(cancelled["cancelAtPeriodEnd"] as? Bool == true)
            #expect(server.stripe.subscriptionObject("sub_seeded")?["cancel_at_period_end"] as? Bool == true)
            let status = try AccountDataTests.json(try await owner.get("/v1/billing/status"))
            #expect((status["subscription"] as? [String: Any])?["cancelAtPeriodEnd"] as? Bool == true, "live state shows at once")
            let reactivated = try AccountDataTests.json(try await owner.postObject("/v1/billing/reactivate", ["requestId": "react-0001"]))
            #expect(reactivated["cancelAtPeriodEnd"] as? Bool == false)
            let portal = try AccountDataTests.json(try await owner.postObject("/v1/billing/portal", [:] as [String: String]))
            #expect((portal["url"] as? String ?? "").hasPrefix("https://billing.stripe.com/p/session/"))
            #expect(BillingFixture.requests(server, "POST", "/v1/billing_portal/sessions").first?.parameter("return_url") == app.publicSite.baseURL + "/settings/billing")
            let row = try #require(try await WorkspaceSubscription.query(on: app.db).first())
            #expect(row.cancelAtPeriodEnd == false, "the webhook, not the API, writes the row")
        }
    }

    @Test("a retry of the same request reuses its idempotency key; a new request gets a new one", arguments: TestDatabase.all)
    func idempotency(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let body = ["plan": "pro", "interval": "month", "requestId": "click-000000001"]
            let first = try AccountDataTests.json(try await owner.postObject("/v1/billing/checkout-session", body))
            let retry = try AccountDataTests.json(try await owner.postObject("/v1/billing/checkout-session", body))
            var again = body
            again["requestId"] = "click-000000002"
            let next = try AccountDataTests.json(try await owner.postObject("/v1/billing/checkout-session", again))
            let keys = BillingFixture.requests(server, "POST", "/v1/checkout/sessions").map { $0.header("Idempotency-Key") }
            #expect(keys.count == 3)
            #expect(keys[0] == keys[1])
            #expect(keys[2] != keys[0])
            #expect(first["clientSecret"] as? String == retry["clientSecret"] as? String, "Stripe replayed the first session")
            #expect(next["clientSecret"] as? String != first["clientSecret"] as? String)
            #expect(server.stripe.sessionCount == 2)
        }
    }

    @Test("without a requestId every change is a new Stripe request: cancel, keep and cancel again within a minute all apply",
          arguments: TestDatabase.all)
    func noRequestID(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            for (path, cancelling) in [("/v1/billing/cancel", true), ("/v1/billing/reactivate", false), ("/v1/billing/cancel", true)] {
                let answer = try AccountDataTests.json(try await owner.postObject(path, [:] as [String: String]))
                #expect(answer["cancelAtPeriodEnd"] as? Bool == cancelling, "\(path)")
                #expect(server.stripe.subscriptionObject("sub_seeded")?["cancel_at_period_end"] as? Bool == cancelling, "\(path) reached Stripe")
            }
            let keys = BillingFixture.requests(server, "POST", "/v1/subscriptions/sub_seeded").map { $0.header("Idempotency-Key") }
            #expect(keys.count == 3 && Set(keys).count == 3)
        }
    }

    @Test("a Stripe 500 creating the customer is replayed to a retry of that click only; the next checkout makes the customer",
          arguments: TestDatabase.all)
    func customerFailure(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            server.stripe.enqueue(.respond(status: 500, json: #"{"error":{"type":"api_error","message":"An unknown error occurred"}}"#))
            let body = ["plan": "pro", "interval": "month", "requestId": "click-000000001"]
            let failed = try await owner.postObject("/v1/billing/checkout-session", body)
            let retried = try await owner.postObject("/v1/billing/checkout-session", body)
            var next = body
            next["requestId"] = "click-000000002"
            let succeeded = try await owner.postObject("/v1/billing/checkout-session", next)

            #expect(failed.status == .serviceUnavailable)
            #expect(retried.status == .serviceUnavailable, "Stripe replays the stored 500 to the same key")
            #expect(succeeded.status == .ok)
            #expect(try AccountDataTests.json(succeeded)["clientSecret"] as? String != nil)
            let customerKeys = BillingFixture.requests(server, "POST", "/v1/customers").map { $0.header("Idempotency-Key") }
            #expect(customerKeys.count == 3 && customerKeys[0] == customerKeys[1] && customerKeys[2] != customerKeys[0])
        }
    }

    @Test("plan change: the preview's proration date is the one confirmed; the local plan waits for the webhook", arguments: TestDatabase.all)
    func changePlan(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let organizationID = try await Workspaces.organizationID(owner)
            // when
            let preview = try AccountDataTests.json(try await owner.postObject("/v1/billing/change-plan/preview", ["plan": "team", "interval": "month"]))
            let date = try #require(preview["prorationDate"] as? Int)
            #expect(preview["nextInvoiceAmount"] as? Int == 19900 + (19900 - 2900) / 2)
            #expect(preview["prorationAmount"] as? Int == (19900 - 2900) / 2)
            let confirmed = try await owner.postObject("/v1/billing/change-plan", ["plan": "team", "interval": "month", "prorationDate": date])
            // then
            #expect(confirmed.status == .ok)
            let previewDate = BillingFixture.requests(server, "POST", "/v1/invoices/create_preview").first?.parameter("subscription_details[proration_date]")
            let changeDate = BillingFixture.requests(server, "POST", "/v1/subscriptions/sub_seeded").last?.parameter("proration_date")
            #expect(previewDate == String(date))
            #expect(changeDate == String(date))
            let organization = try #require(try await Organization.find(organizationID, on: app.db))
            #expect(organization.plan == "hobby")
            #expect(try await WorkspaceSubscription.query(on: app.db).first()?.plan == "pro")
            let status = try AccountDataTests.json(try await owner.get("/v1/billing/status"))
            #expect((status["subscription"] as? [String: Any])?["plan"] as? String == "team", "Stripe's live state shows the change")
            let stale = try await owner.postObject("/v1/billing/change-plan", ["plan": "pro", "interval": "year", "prorationDate": date - 7200])
            #expect(stale.status == .badRequest)
        }
    }

    @Test("Stripe down: status degrades to the database with a notice; actions are 503 stripe_unavailable", arguments: TestDatabase.all)
    func stripeDown(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            // when Stripe stops answering
            await server.stop()
            // then
            let status = try await owner.get("/v1/billing/status")
            #expect(status.status == .ok)
            let json = try AccountDataTests.json(status)
            #expect((json["notice"] as? String ?? "").contains("did not answer"))
            #expect((json["subscription"] as? [String: Any])?["source"] as? String == "database")
            #expect((json["invoices"] as? [Any])?.isEmpty == true)
            let cancel = try await owner.postObject("/v1/billing/cancel", [:] as [String: String])
            #expect(cancel.status == .serviceUnavailable)
            #expect(try BillingFixture.errorCode(cancel) == "stripe_unavailable")
            // the sentence written for this case, not the generic one a bug gets
            let message = try AccountDataTests.json(cancel)["message"] as? String ?? ""
            #expect(message.contains("Stripe") && !message.contains("Something went wrong on our side"), "\(message)")
        }
    }

    @Test("Stripe slow: status answers within the short deadline with the notice", arguments: TestDatabase.all)
    func stripeSlow(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            server.stripe.enqueue(.hang, .hang)
            let started = Date()
            let status = try await owner.get("/v1/billing/status")
            #expect(Date().timeIntervalSince(started) < 12)
            #expect(status.status == .ok)
            #expect((try AccountDataTests.json(status)["notice"] as? String ?? "").contains("did not answer"))
        }
    }

    @Test("a personal API token (api scope) reads the status and, as an owner's, cancels; no CSRF header needed", arguments: TestDatabase.all)
    func apiToken(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let created = try await owner.postObject("/v1/tokens", ["name": "billing script", "scopes": ["api"]])
            let token = try #require(try AccountDataTests.json(created)["token"] as? String)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            let status = try await app.testing().sendRequest(.GET, "/v1/billing/status", headers: headers)
            #expect(try AccountDataTests.json(status)["billing"] as? String == "on")
            let cancel = try await app.testing().sendRequest(.POST, "/v1/billing/cancel", headers: headers, body: ByteBuffer(string: "{}"))
            #expect(cancel.status == .ok)
            #expect(server.stripe.subscriptionObject("sub_seeded")?["cancel_at_period_end"] as? Bool == true)
        }
    }

    @Test("Stripe refusing a request is 502 stripe_error without Stripe's text", arguments: TestDatabase.all)
    func stripeRefuses(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            server.stripe.enqueue(.respond(status: 400, json: #"{"error":{"type":"invalid_request_error","message":"No such subscription: 'sub_seeded'"}}"#))
            let response = try await owner.postObject("/v1/billing/cancel", [:] as [String: String])
            #expect(response.status == .badGateway)
            #expect(try BillingFixture.errorCode(response) == "stripe_error")
            #expect(!response.body.string.contains("sub_seeded"))
        }
    }

    static let everyQuota = ["Hosted servers", "Drafts today", "Builds today", "Tool calls this period", "Template publishes this period"]

    /// The usage bars' labels without the period's dates, which move with the clock.
    static func usageLabels(_ status: [String: Any]) -> [String] {
        (status["usage"] as? [[String: Any]] ?? []).compactMap { bar in
            (bar["label"] as? String)?.components(separatedBy: " (").first
        }
    }
}
