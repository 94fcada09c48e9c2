/// Plain view models, one per page template. Built by controllers from Core and
/// content values; templates never see a Fluent model.

struct HomeView: Encodable {
    struct Hero: Encodable {
        let headline: String
        let lede: String
        let examplePrompt: String
        let exampleServerName: String
        let exampleTools: [ExampleTool]
    }
    struct ExampleTool: Encodable {
        let name: String
        let description: String
    }
    struct Step: Encodable {
        let number: Int
        let title: String
        let text: String
    }
    let hero: Hero
    let steps: [Step]
    let plans: [PlanCard]
    let primaryAction: Link
    let secondaryAction: Link
    let pricingHref: String
}

struct PlanCard: Encodable {
    struct Feature: Encodable {
        let label: String
        /// One of `included`, `not_included`, `coming_soon`, `by_contract`.
        let availability: String
        /// Short badge text for anything but `included` ("Coming soon", "By contract").
        let badge: String?
    }
    let id: String
    let name: String
    let tagline: String
    /// Price shown when monthly billing is selected, e.g. "€29" or "€0" or "Custom".
    let monthlyPrice: String
    let monthlyNote: String
    /// Price shown when yearly billing is selected (per month), e.g. "€24".
    let yearlyPrice: String
    let yearlyNote: String
    /// Quota lines: hosted servers, daily drafts, daily builds, AI model, audit log.
    let limits: [String]
    let features: [Feature]
    let action: Link
    let isFeatured: Bool
}

struct PricingView: Encodable {
    struct ComparisonRow: Encodable {
        let label: String
        /// One cell per plan, in plan order.
        let values: [String]
    }
    let plans: [PlanCard]
    let planNames: [String]
    let comparison: [ComparisonRow]
    /// Honest fine print under the table (no SLA, Enterprise by contract, VAT).
    let notes: [String]
}

struct TOCEntry: Encodable {
    let level: Int
    let id: String
    let text: String
}

/// One section of the docs sidebar, the context of `docs-sidebar-section`.
struct SidebarSection: Encodable {
    /// Empty for the unnamed root section (built-in docs); then only `pages` show.
    let title: String
    let href: String?
    let isCurrent: Bool
    let pages: [Link]
}

struct DocsPageView: Encodable {
    let title: String
    let description: String
    /// Rendered Markdown (safe HTML produced by the app).
    let html: String
    let toc: [TOCEntry]
    /// Rendered sidebar sections (`docs-sidebar-section`), see `DocsSidebar`.
    let sidebar: String
    let breadcrumbs: [Link]
    let previous: Link?
    let next: Link?
    let searchIndexHref: String
}

struct DocsIndexView: Encodable {
    struct Section: Encodable {
        let title: String
        let href: String?
        let pages: [Entry]
    }
    struct Entry: Encodable {
        let title: String
        let href: String
        let description: String
    }
    let title: String
    let intro: String
    let sections: [Section]
    let sidebar: String
    let breadcrumbs: [Link]
    let searchIndexHref: String
}

struct ChangelogView: Encodable {
    struct Entry: Encodable {
        let anchor: String
        let title: String
        /// ISO date for `<time datetime>`.
        let date: String
        let dateLabel: String
        let tags: [String]
        let html: String
    }
    let entries: [Entry]
    let feedHref: String
}

struct LegalView: Encodable {
    let title: String
    let description: String
    let html: String
    let toc: [TOCEntry]
}

struct StatusView: Encodable {
    struct Check: Encodable {
        let name: String
        let ok: Bool
        let detail: String
    }
    let isHealthy: Bool
    let summary: String
    let checks: [Check]
    /// ISO 8601 time of the server-side check.
    let checkedAt: String
    /// The same time for people, e.g. `2026-11-25 12:40:00 UTC`.
    let checkedAtLabel: String
    /// JSON endpoint the status script polls.
    let probeHref: String
    let pollSeconds: Int
}

struct NotFoundView: Encodable {
    let suggestions: [Link]
}

struct ErrorView: Encodable {
    let status: Int
    let heading: String
    let message: String
    let requestID: String?
}

struct OfflineView: Encodable {
    let homeHref: String
}
