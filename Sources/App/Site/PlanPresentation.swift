import Core
import Foundation

/// Turns the Core plan table into what the landing and pricing pages show.
enum PlanPresentation {
    static func cards() -> [PlanCard] {
        PlanTable.all.map(card)
    }

    static func card(_ plan: Plan) -> PlanCard {
        let monthly: String
        let yearly: String
        let monthlyNote: String
        let yearlyNote: String
        if let price = plan.price {
            monthly = euros(price.monthlyCents)
            yearly = euros(price.monthlyCentsBilledYearly)
            monthlyNote = "per month, billed monthly"
            yearlyNote = "per month, billed yearly (\(euros(price.yearlyTotalCents)))"
        } else if plan.isCustomPriced {
            (monthly, yearly) = ("Custom", "Custom")
            (monthlyNote, yearlyNote) = ("by contract", "by contract")
        } else {
            (monthly, yearly) = ("€0", "€0")
            (monthlyNote, yearlyNote) = ("free forever", "free forever")
        }
        // With Yearly chosen on the pricing page, the button preselects yearly on the billing page too.
        let yearlyAction: Link? = switch plan.id {
        case .pro, .team:
            Link(title: "Upgrade to \(plan.name)",
                 href: SiteRoute.billing().path(QueryString([("plan", plan.id.rawValue), ("interval", BillingInterval.year.rawValue)])))
        default: nil
        }
        let action: Link = switch plan.id {
        case .hobby: Link(title: "Start free", href: SiteRoute.docs(path: "quickstart").path)
        case .enterprise: Link(title: "Contact sales", href: "mailto:sales@buildmymcpserver.com")
        // The billing page with the plan preselected; signed-out visitors sign in first and land there.
        case .pro, .team:
            Link(title: "Upgrade to \(plan.name)",
                 href: SiteRoute.billing().path(QueryString([("plan", plan.id.rawValue), ("interval", BillingInterval.month.rawValue)])))
        }
        return PlanCard(
            id: plan.id.rawValue,
            name: plan.name,
            tagline: plan.tagline,
            monthlyPrice: monthly,
            monthlyNote: monthlyNote,
            yearlyPrice: yearly,
            yearlyNote: yearlyNote,
            limits: [
                servers(plan),
                "\(number(plan.dailyDrafts)) AI drafts a day",
                "\(number(plan.dailyBuilds)) builds a day",
                "\(number(plan.toolCallsPerMinute)) tool calls a minute per token and per server",
                plan.modelLine,
                "Audit log: \(retention(plan))",
            ],
            features: plan.features.map { feature in
                PlanCard.Feature(label: feature.label, availability: feature.availability.rawValue, badge: badge(feature.availability))
            },
            action: action,
            yearlyAction: yearlyAction,
            isFeatured: plan.id == .pro
        )
    }

    static func comparison() -> [PricingView.ComparisonRow] {
        let plans = PlanTable.all
        var rows: [PricingView.ComparisonRow] = [
            .init(label: "Price per month", values: plans.map { card($0).monthlyPrice }),
            .init(label: "Hosted servers", values: plans.map { $0.maxServers.map(String.init) ?? "By contract" }),
            .init(label: "AI drafts per day", values: plans.map { number($0.dailyDrafts) }),
            .init(label: "Builds per day", values: plans.map { number($0.dailyBuilds) }),
            .init(label: "Tool calls per minute (per token and per server)", values: plans.map { number($0.toolCallsPerMinute) }),
            .init(label: "Tool calls per month", values: plans.map { $0.monthlyToolCalls.map(number) ?? "Unlimited" }),
            .init(label: "Template publishes per month", values: plans.map { number($0.monthlyTemplatePublishes) }),
            .init(label: "Drafting model", values: plans.map(\.modelLine)),
            .init(label: "Audit log retention", values: plans.map(retention)),
        ]
        var labels: [String] = []
        for plan in plans { for feature in plan.features where !labels.contains(feature.label) { labels.append(feature.label) } }
        for label in labels {
            // A card lists what a plan adds; a plan includes what the plan below it includes unless it says otherwise.
            var below: Availability?
            let values = plans.map { plan -> String in
                let own = plan.features.first(where: { $0.label == label })?.availability
                let availability = own ?? (below == .included ? .included : nil)
                below = availability
                return availability.map { badge($0) ?? "Included" } ?? "—"
            }
            rows.append(.init(label: label, values: values))
        }
        return rows
    }

    /// 3,000 rather than 3000: the pricing page is read, not parsed.
    static func number(_ value: Int) -> String {
        value.formatted(.number.locale(Locale(identifier: "en_US")))
    }

    static func euros(_ cents: Int) -> String {
        let whole = number(cents / 100)
        return cents % 100 == 0 ? "€\(whole)" : "€\(whole).\(String(format: "%02d", cents % 100))"
    }

    static func servers(_ plan: Plan) -> String {
        guard let count = plan.maxServers else { return "Hosted servers by contract" }
        return count == 1 ? "1 hosted server" : "\(count) hosted servers"
    }

    static func retention(_ plan: Plan) -> String {
        guard let days = plan.auditLogRetentionDays else { return "retention by contract" }
        return days % 365 == 0 ? "\(days / 365) year\(days == 365 ? "" : "s")" : "\(days) days"
    }

    static func badge(_ availability: Availability) -> String? {
        switch availability {
        case .included: nil
        case .notIncluded: "Not included"
        case .comingSoon: "Coming soon"
        case .byContract: "By contract"
        }
    }
}
