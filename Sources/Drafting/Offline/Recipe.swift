import Core

/// One integration the offline drafter can put into a spec without a language model:
/// the tools, the secrets they read and the hosts they call, plus the words that ask for it.
public struct Recipe: Sendable, Hashable, Identifiable {
    public var id: String
    /// Short title used in derived server names and in the wizard ("Weather", "GitHub").
    public var title: String
    /// One sentence for the spec description.
    public var summary: String
    public var triggers: [Trigger]
    public var requiredSecrets: [RequiredSecret]
    public var allowedDomains: [String]
    public var tools: [ToolSpec]

    /// `strong` words name the integration on their own ("github", "wetter"); `weak` ones
    /// ("issue", "channel") only count when another word of the recipe backs them up.
    init(
        id: String,
        title: String,
        summary: String,
        strong: [String],
        weak: [String] = [],
        requiredSecrets: [RequiredSecret] = [],
        allowedDomains: [String] = [],
        tools: [ToolSpec]
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.triggers = strong.map { Trigger($0, weight: Trigger.strongWeight) }
            + weak.map { Trigger($0, weight: Trigger.weakWeight) }
        self.requiredSecrets = requiredSecrets
        self.allowedDomains = allowedDomains
        self.tools = tools.map(RecipeToolMetadata.applied)
    }

    public var toolNames: [String] { tools.map(\.name) }
}

/// A word or phrase that asks for a recipe, stored folded the way prompts are read.
public struct Trigger: Sendable, Hashable {
    public var words: [String]
    public var weight: Int

    static let strongWeight = 2
    static let weakWeight = 1

    init(_ phrase: String, weight: Int) {
        self.words = PromptReading.words(in: phrase)
        self.weight = weight
    }
}
