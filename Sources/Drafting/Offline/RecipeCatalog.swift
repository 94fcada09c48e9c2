extension OfflineDrafter {
    /// Everything the offline drafter can draft. The order is the tie-break when two recipes
    /// score the same, so it is part of the drafter's deterministic behaviour.
    public static let catalog: [Recipe] = [
        .weather,
        .github,
        .notion,
        .slack,
        .linear,
        .hackerNews,
        .wikipedia,
        .currency,
        .feedReader,
        .jsonAPI,
        .timeZones,
        .unitConversion,
        .textStatistics,
        .countries,
        .books,
        .npm,
        .publicHolidays,
        .calculator,
    ]

    /// Drafted when nothing in the prompt matches: a general API caller and a pure utility.
    static let fallbackRecipes: [Recipe] = [.jsonAPI, .textStatistics]

    public static func recipe(id: String) -> Recipe? {
        catalog.first { $0.id == id }
    }
}
