import Core
import Testing

@Suite("Stripe price table: which price buys which plan, from configuration")
struct StripePriceTableTests {
    static let complete = [
        "STRIPE_PRICE_PRO_MONTHLY": "price_ProMonth01", "STRIPE_PRICE_PRO_YEARLY": "price_ProYear01",
        "STRIPE_PRICE_TEAM_MONTHLY": "price_TeamMonth01", "STRIPE_PRICE_TEAM_YEARLY": "price_TeamYear01",
    ]

    @Test("Pro and Team are sold, monthly and yearly; Hobby (free) and Enterprise (by contract) are not")
    func purchasable() {
        #expect(StripePriceTable.purchasable == [.pro, .team])
        #expect(StripePriceTable.requiredKeys.map(\.settingName)
            == ["STRIPE_PRICE_PRO_MONTHLY", "STRIPE_PRICE_PRO_YEARLY", "STRIPE_PRICE_TEAM_MONTHLY", "STRIPE_PRICE_TEAM_YEARLY"])
    }

    @Test("a complete table maps each plan and interval to its price, and each price back")
    func complete() {
        // when
        let (table, problems) = StripePriceTable.load { Self.complete[$0] }
        // then
        #expect(problems.isEmpty)
        #expect(table.missingKeys.isEmpty)
        #expect(table.priceID(.team, .year) == "price_TeamYear01")
        #expect(table.plan(forPrice: "price_ProMonth01") == StripePriceTable.Key(.pro, .month))
        #expect(table.plan(forPrice: "price_SomeoneElses") == nil)
        #expect(table.priceID(.hobby, .month) == nil)
    }

    @Test("a product id is refused with a message naming the variable and what to copy instead")
    func productID() {
        // given
        var settings = Self.complete
        settings["STRIPE_PRICE_TEAM_YEARLY"] = "prod_TeamProduct"
        // when
        let (table, problems) = StripePriceTable.load { settings[$0] }
        // then
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("STRIPE_PRICE_TEAM_YEARLY is a product id (`prod_…`)") == true)
        #expect(problems.first?.contains("price id (`price_…`)") == true)
        #expect(table.priceID(.team, .year) == nil)
        #expect(table.missingKeys == [StripePriceTable.Key(.team, .year)])
    }

    @Test("other ids that are not prices, and one price for two plans, are refused", arguments: [
        ("STRIPE_PRICE_PRO_MONTHLY", "plan_Legacy", "must be a Stripe price id"),
        ("STRIPE_PRICE_PRO_MONTHLY", "price_with space", "must be a Stripe price id"),
        ("STRIPE_PRICE_PRO_YEARLY", "price_ProMonth01", "repeats the price of STRIPE_PRICE_PRO_MONTHLY"),
    ])
    func badIDs(name: String, value: String, problem: String) {
        var settings = Self.complete
        settings[name] = value
        let (_, problems) = StripePriceTable.load { settings[$0] }
        #expect(problems.count == 1)
        #expect(problems.first?.contains(problem) == true, "\(problems)")
    }
}
