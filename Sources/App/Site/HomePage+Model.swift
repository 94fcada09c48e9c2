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
