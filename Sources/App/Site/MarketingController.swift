import Core
import Vapor

/// The landing and pricing pages.
enum MarketingController {
    static func home(_ req: Request) async throws -> Response {
        try await req.publicPage(.home) {
            let site = req.site
            let plans = PlanPresentation.cards()
            let view = HomeView(
                hero: .init(
                    headline: "Describe an MCP server. Get a hosted endpoint in seconds.",
                    lede: "Write what you want your AI assistant to be able to do. We draft the tools, you review them and add your keys, and one click gives you an MCP endpoint protected by OAuth 2.1 that Claude, Cursor, VS Code and ChatGPT connect to.",
                    examplePrompt: "Let Claude look up the weather forecast for any city and warn me about rain this week.",
                    exampleServerName: "weather-forecast",
                    exampleTools: [
                        .init(name: "geocode_city", description: "Find latitude and longitude for a city name."),
                        .init(name: "get_forecast", description: "Daily forecast for the next 7 days from Open-Meteo."),
                        .init(name: "rain_warnings", description: "Days this week with a high chance of rain."),
                    ]
                ),
                steps: [
                    .init(number: 1, title: "Describe it", text: "Say in plain words what the server should do. An LLM drafts the tools: names, descriptions, JSON Schema inputs and JavaScript implementations."),
                    .init(number: 2, title: "Review and add secrets", text: "Edit every tool in the wizard and enter the API keys it needs. Secrets are encrypted with AES-256-GCM and never shown again."),
                    .init(number: 3, title: "Build and connect", text: "Click Build. Seconds later you have a hosted MCP endpoint with OAuth 2.1 that any MCP client can connect to."),
                ],
                plans: plans,
                primaryAction: Link(title: "Start building", href: SiteRoute.docs(path: "quickstart").path),
                secondaryAction: Link(title: "Read the docs", href: SiteRoute.docsIndex.path),
                pricingHref: SiteRoute.pricing.path
            )
            let meta = site.meta(
                title: "Describe an MCP server, get a hosted endpoint",
                description: "Describe the MCP server you want in plain words. BuildMyMCPServer drafts the tools and hosts them behind OAuth 2.1 for Claude, Cursor, VS Code and ChatGPT.",
                route: .home,
                jsonLD: [organizationJSONLD(site), softwareJSONLD(site)]
            )
            return try await req.renderHTML("Site/home", Page(layout: site.layout(meta, current: .home), page: view))
        }
    }

    static func pricing(_ req: Request) async throws -> Response {
        try await req.publicPage(.pricing) {
            let site = req.site
            let view = PricingView(
                plans: PlanPresentation.cards(),
                planNames: PlanTable.all.map(\.name),
                comparison: PlanPresentation.comparison(),
                notes: [
                    "Prices in euro, excluding VAT. Yearly billing charges twelve months at the yearly rate up front.",
                    "Self-serve plans come without an uptime SLA. Enterprise commitments are agreed by contract.",
                    "Daily quotas reset at midnight UTC. Features marked \u{201C}coming soon\u{201D} are not available yet.",
                ]
            )
            let meta = site.meta(
                title: "Pricing",
                description: "Plans for BuildMyMCPServer: Hobby is free, Pro and Team add servers, daily drafts and builds, Enterprise is by contract. Honest limits, no surprises.",
                route: .pricing,
                jsonLD: [JSONLD.breadcrumbs([("Home", site.url(.home)), ("Pricing", site.url(.pricing))])]
            )
            return try await req.renderHTML("Site/pricing", Page(layout: site.layout(meta, current: .pricing), page: view))
        }
    }

    private static func organizationJSONLD(_ site: PublicSite) -> String {
        JSONLD.document("Organization", [
            "name": .string(PublicSite.name),
            "url": .string(site.url(.home)),
            "logo": .string(site.baseURL + site.assetURLs.icon192),
        ]).serialized
    }

    private static func softwareJSONLD(_ site: PublicSite) -> String {
        let offers: [JSONLD] = PlanTable.all.compactMap { plan in
            if plan.isCustomPriced { return nil }
            let price = plan.price.map { String(format: "%.2f", Double($0.monthlyCents) / 100) } ?? "0"
            return .object(["@type": .string("Offer"), "name": .string(plan.name), "price": .string(price),
                            "priceCurrency": .string("EUR"), "url": .string(site.url(.pricing))])
        }
        return JSONLD.document("SoftwareApplication", [
            "name": .string(PublicSite.name),
            "applicationCategory": .string("DeveloperApplication"),
            "operatingSystem": .string("Web"),
            "url": .string(site.url(.home)),
            "description": .string("Describe an MCP server in plain words and get a hosted, OAuth-protected endpoint in seconds."),
            "offers": .array(offers),
        ]).serialized
    }
}
