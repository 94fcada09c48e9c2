/// How strongly a prompt asks for one recipe, and how strongly it asks to leave it out.
struct RecipeMention: Sendable {
    var recipe: Recipe
    var catalogIndex: Int
    var wanted: Int
    var unwanted: Int
    /// Word position of the first wanted mention, so names follow the order the person used.
    var firstWanted: Int

    var isWanted: Bool { wanted >= RecipeSelection.threshold && wanted > unwanted }
    var isUnwanted: Bool { unwanted >= RecipeSelection.threshold && unwanted >= wanted }
}

/// Scores catalog recipes against a prompt. A strong trigger alone reaches the threshold;
/// weak ones need company, so "post to a channel" is not enough for Slack but
/// "post messages to channels" is. Each trigger counts once however often it appears.
enum RecipeSelection {
    static let threshold = 2
    static let maximumRecipes = 4

    static func mentions(in reading: PromptReading, catalog: [Recipe]) -> [RecipeMention] {
        catalog.enumerated().map { index, recipe in
            mention(of: recipe, at: index, in: reading)
        }
    }

    /// The recipes a new draft should hold, in the order the prompt named them; empty when
    /// nothing reached the threshold.
    static func recipesForNewDraft(_ reading: PromptReading, catalog: [Recipe]) -> [Recipe] {
        strongest(mentions(in: reading, catalog: catalog).filter(\.isWanted))
    }

    /// At most `maximumRecipes` of the mentions, the highest scores first and the earliest
    /// mentioned on a tie, returned in the order the prompt named them.
    static func strongest(_ mentions: [RecipeMention]) -> [Recipe] {
        mentions
            .sorted { ($1.wanted, $0.firstWanted, $0.catalogIndex) < ($0.wanted, $1.firstWanted, $1.catalogIndex) }
            .prefix(maximumRecipes)
            .sorted { ($0.firstWanted, $0.catalogIndex) < ($1.firstWanted, $1.catalogIndex) }
            .map(\.recipe)
    }

    private static func mention(of recipe: Recipe, at index: Int, in reading: PromptReading) -> RecipeMention {
        var result = RecipeMention(recipe: recipe, catalogIndex: index, wanted: 0, unwanted: 0, firstWanted: .max)
        for trigger in recipe.triggers {
            var wantedHit = false
            var unwantedHit = false
            for start in matchStarts(of: trigger, in: reading.words) {
                switch reading.words[start].intent {
                case .want:
                    wantedHit = true
                    result.firstWanted = min(result.firstWanted, start)
                case .drop:
                    unwantedHit = true
                }
            }
            if wantedHit { result.wanted += trigger.weight }
            if unwantedHit { result.unwanted += trigger.weight }
        }
        return result
    }

    private static func matchStarts(of trigger: Trigger, in words: [PromptReading.Word]) -> [Int] {
        let length = trigger.words.count
        guard length > 0, words.count >= length else { return [] }
        return (0...(words.count - length)).filter { start in
            let window = words[start..<(start + length)]
            return window.allSatisfy { $0.clause == words[start].clause }
                && zip(window, trigger.words).allSatisfy { word($0.text, matches: $1) }
        }
    }

    /// Plurals and German or French compounds ("issues", "Wettervorhersage", "fériés")
    /// match their stem; short stems must match exactly so "repo" does not match "report".
    static func word(_ word: String, matches stem: String) -> Bool {
        word == stem || word == stem + "s" || word == stem + "es" || (stem.count >= 5 && word.hasPrefix(stem))
    }
}
