import Foundation

/// A prompt read as folded words (case and diacritics removed, so "Météo" reads "meteo"),
/// each tagged with whether the person wants what it names or wants it gone:
/// "also add weather, remove slack" and "Slack entfernen und Wetter hinzufügen" both read
/// weather as wanted and Slack as unwanted.
struct PromptReading: Sendable {
    enum Intent: Sendable { case want, drop }

    struct Word: Sendable, Hashable {
        var text: String
        /// Phrases never match across a clause boundary (punctuation).
        var clause: Int
        var intent: Intent
    }

    let words: [Word]

    init(_ prompt: String) {
        words = Self.read(Self.segments(of: Self.tokens(in: prompt))).flatMap { $0 }
    }

    /// Folded words of a phrase, ignoring intent; used for trigger words.
    static func words(in phrase: String) -> [String] {
        tokens(in: phrase).map(\.text)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    // MARK: reading intent

    private struct Token {
        var text: String
        var clause: Int
    }

    /// Words between conjunctions. A segment without a verb of its own continues the one
    /// before it ("remove slack and github"), unless a "but" or a new clause started it.
    private struct Segment {
        var tokens: [Token] = []
        var continuesPrevious: Bool
    }

    private static func tokens(in text: String) -> [Token] {
        var tokens: [Token] = []
        var clause = 0
        var current = ""
        for character in fold(text) {
            if character.isLetter || character.isNumber {
                current.append(character)
                continue
            }
            if !current.isEmpty {
                tokens.append(Token(text: current, clause: clause))
                current = ""
            }
            if clauseBreaks.contains(character) { clause += 1 }
        }
        if !current.isEmpty { tokens.append(Token(text: current, clause: clause)) }
        return tokens
    }

    private static func segments(of tokens: [Token]) -> [Segment] {
        var segments: [Segment] = []
        var current = Segment(continuesPrevious: false)
        for token in tokens {
            if let last = current.tokens.last ?? segments.last?.tokens.last, last.clause != token.clause {
                segments.append(current)
                current = Segment(continuesPrevious: false)
            }
            if joiningWords.contains(token.text) || contrastingWords.contains(token.text) {
                segments.append(current)
                current = Segment(continuesPrevious: joiningWords.contains(token.text))
            }
            current.tokens.append(token)
        }
        segments.append(current)
        return segments.filter { !$0.tokens.isEmpty }
    }

    /// A word takes the intent of the nearest verb before it in its segment; with none
    /// before, the first one after (verb-last word order: "Slack entfernen"); with none at
    /// all, that of the segment it continues.
    private static func read(_ segments: [Segment]) -> [[Word]] {
        var previous = Intent.want
        return segments.map { segment in
            let marks = segment.tokens.map { token -> Intent? in
                if dropWords.contains(token.text) { return .drop }
                if wantWords.contains(token.text) { return .want }
                return nil
            }
            let fallback = segment.continuesPrevious ? previous : .want
            var words: [Word] = []
            var before: Intent?
            for (index, token) in segment.tokens.enumerated() {
                before = marks[index] ?? before
                let after = marks[index...].compactMap { $0 }.first
                words.append(Word(text: token.text, clause: token.clause, intent: before ?? after ?? fallback))
            }
            previous = words.last?.intent ?? fallback
            return words
        }
    }

    private static let clauseBreaks: Set<Character> = [".", ",", ";", ":", "!", "?", "\n", "(", ")"]

    /// "and", "or" in the languages the triggers cover: the next words continue the request.
    private static let joiningWords: Set<String> = ["and", "or", "und", "oder", "et", "ou", "y", "o", "e"]
    /// "but": the next words start a new request.
    private static let contrastingWords: Set<String> = ["but", "aber", "sondern", "mais", "pero", "sino", "then", "dann", "puis", "luego"]

    /// Words that ask for something to be left out. Kept to unambiguous verbs and prepositions.
    private static let dropWords: Set<String> = [
        "remove", "removing", "drop", "delete", "without", "exclude", "rid", "minus",
        "entferne", "entfernen", "entfernt", "losche", "loschen", "ohne", "weglassen", "streiche", "streichen",
        "supprime", "supprimer", "supprimez", "retire", "retirer", "retirez", "enleve", "enlever", "enlevez", "sans",
        "quita", "quitar", "elimina", "eliminar", "elimine", "sin",
    ]

    /// Words that ask for something to be there.
    private static let wantWords: Set<String> = [
        "add", "adding", "also", "include", "plus", "with", "keep", "want", "need", "that", "which",
        "mit", "auch", "hinzu", "hinzufugen", "fuge", "behalte", "behalten",
        "ajoute", "ajouter", "ajoutez", "aussi", "avec", "garde", "garder",
        "anade", "anadir", "agrega", "agregar", "tambien", "con", "mantener",
    ]
}
