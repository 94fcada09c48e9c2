/// The single plan table. Pricing pages render it and quota checks read it, so a
/// limit shown to a customer is always the limit enforced.
public enum PlanID: String, CaseIterable, Codable, Sendable {
    case hobby, pro, team, enterprise
}

/// A price in euro cents; `nil` on a plan means "priced by contract".
public struct Price: Equatable, Sendable {
    public var monthlyCents: Int
    /// What one month costs when billed yearly (the yearly total is 12×this).
    public var monthlyCentsBilledYearly: Int

    public var yearlyTotalCents: Int { monthlyCentsBilledYearly * 12 }
}

/// How a feature is offered on a plan. Kept explicit so the pricing page can never
/// claim more than the product does.
public enum Availability: String, Sendable, Encodable {
    case included
    case notIncluded = "not_included"
    case comingSoon = "coming_soon"
    case byContract = "by_contract"
}

public struct PlanFeature: Sendable, Equatable {
    public var label: String
    public var availability: Availability
}

public struct Plan: Sendable, Equatable {
    public var id: PlanID
    public var name: String
    public var tagline: String
    /// `nil` = free when `isCustomPriced` is false, "Custom" otherwise.
    public var price: Price?
    public var isCustomPriced: Bool
    /// Maximum hosted servers; `nil` means set per contract.
    public var maxServers: Int?
    public var dailyDrafts: Int
    public var dailyBuilds: Int
    /// Human line naming the drafting model, shown on the pricing page.
    public var modelLine: String
    /// Provider model id the drafter asks for on this plan.
    public var draftingModel: String
    public var auditLogRetentionDays: Int?
    public var features: [PlanFeature]
    /// Tool calls one token may make a minute, and separately calls to one server (`ToolCallLimit`).
    public var toolCallsPerMinute: Int
    /// CPU and wall-clock time one tool call may use, in milliseconds.
    public var toolCPUMilliseconds: Int = 1000
    public var toolWallMilliseconds: Int = 10000
    /// Tool calls the workspace's servers may answer per quota period (a billing month); `nil` = no limit.
    public var monthlyToolCalls: Int? = nil
    /// Templates and template versions the workspace may publish per quota period.
    public var monthlyTemplatePublishes: Int = 0
    /// Whether the workspace may invite members (the owner alone otherwise); members already in a
    /// workspace that moves to a plan without them stay.
    public var members: Bool = false
    /// Whether the workspace may keep a published template out of the marketplace (hidden, not shared).
    public var privateTemplates: Bool = false

    public var isFree: Bool { price == nil && !isCustomPriced }
}

public enum PlanTable {
    public static let all: [Plan] = [hobby, pro, team, enterprise]

    public static func plan(_ id: PlanID) -> Plan {
        switch id {
        case .hobby: hobby
        case .pro: pro
        case .team: team
        case .enterprise: enterprise
        }
    }

    public static let hobby = Plan(
        id: .hobby,
        name: "Hobby",
        tagline: "Try it on a side project.",
        price: nil,
        isCustomPriced: false,
        maxServers: 2,
        dailyDrafts: 5,
        dailyBuilds: 3,
        modelLine: "GLM-4.5-Air (Zhipu AI) drafts your servers",
        draftingModel: "glm-4.5-air",
        auditLogRetentionDays: 7,
        features: [
            PlanFeature(label: "OAuth 2.1 for every server", availability: .included),
            PlanFeature(label: "Template marketplace", availability: .included),
            PlanFeature(label: "Community support", availability: .included),
        ],
        toolCallsPerMinute: 60,
        monthlyToolCalls: 10_000,
        monthlyTemplatePublishes: 3
    )

    public static let pro = Plan(
        id: .pro,
        name: "Pro",
        tagline: "For builders who ship every week.",
        price: Price(monthlyCents: 2900, monthlyCentsBilledYearly: 2400),
        isCustomPriced: false,
        maxServers: 10,
        dailyDrafts: 40,
        dailyBuilds: 20,
        modelLine: "Claude Sonnet (Anthropic) drafts your servers",
        draftingModel: "claude-sonnet-4-5",
        auditLogRetentionDays: 90,
        features: [
            PlanFeature(label: "OAuth 2.1 for every server", availability: .included),
            PlanFeature(label: "Private templates", availability: .included),
            PlanFeature(label: "Email support", availability: .included),
        ],
        toolCallsPerMinute: 600,
        monthlyToolCalls: 250_000,
        monthlyTemplatePublishes: 20,
        privateTemplates: true
    )

    public static let team = Plan(
        id: .team,
        name: "Team",
        tagline: "One workspace for the whole team.",
        price: Price(monthlyCents: 19900, monthlyCentsBilledYearly: 16500),
        isCustomPriced: false,
        maxServers: 50,
        dailyDrafts: 150,
        dailyBuilds: 100,
        modelLine: "Claude Sonnet (Anthropic) drafts your servers",
        draftingModel: "claude-sonnet-4-5",
        auditLogRetentionDays: 365,
        features: [
            PlanFeature(label: "Members with owner and member roles", availability: .included),
            PlanFeature(label: "Fine-grained roles (RBAC)", availability: .comingSoon),
            PlanFeature(label: "Custom domains", availability: .comingSoon),
            PlanFeature(label: "Priority email support", availability: .included),
        ],
        toolCallsPerMinute: 3_000,
        toolCPUMilliseconds: 2000,
        toolWallMilliseconds: 20000,
        monthlyToolCalls: 2_000_000,
        monthlyTemplatePublishes: 100,
        members: true,
        privateTemplates: true
    )

    public static let enterprise = Plan(
        id: .enterprise,
        name: "Enterprise",
        tagline: "Your terms, your contract.",
        price: nil,
        isCustomPriced: true,
        maxServers: nil,
        dailyDrafts: 1000,
        dailyBuilds: 500,
        modelLine: "Claude (Anthropic), model by agreement",
        draftingModel: "claude-sonnet-4-5",
        auditLogRetentionDays: nil,
        features: [
            PlanFeature(label: "Uptime commitment", availability: .byContract),
            PlanFeature(label: "Data processing agreement", availability: .byContract),
            PlanFeature(label: "Fine-grained roles (RBAC)", availability: .comingSoon),
            PlanFeature(label: "Custom domains", availability: .comingSoon),
        ],
        toolCallsPerMinute: 10_000,
        toolCPUMilliseconds: 5000,
        toolWallMilliseconds: 30000,
        monthlyToolCalls: nil,
        monthlyTemplatePublishes: 1_000,
        members: true,
        privateTemplates: true
    )
}
