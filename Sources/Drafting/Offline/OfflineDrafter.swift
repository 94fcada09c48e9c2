import Core
import Foundation

/// Drafts specs without a language model by picking and combining recipes from a built-in
/// catalog of real integrations. Used when no provider key is configured.
public struct OfflineDrafter: SpecDrafter {
    /// Reported as `DraftResult.model`.
    public static let modelName = "offline-catalog"

    public let displayName = "Offline drafter"
    public let isOffline = true
    public let supportsStreaming = true

    /// Loads the catalog, with its recipes' code, if this is the first drafter: a missing
    /// resource then stops the app at start-up rather than at its first offline draft.
    public init() {
        _ = Self.catalog
    }

    /// Titles of everything the catalog can draft, for "Offline drafter — knows: …".
    public static var knownTopics: [String] { catalog.map(\.title) }

    public func draft(_ request: DraftRequest) async throws(DraftingError) -> DraftResult {
        try compose(request)
    }

    /// The same result as `draft`, preceded by its pretty-printed JSON in a few pieces so
    /// the wizard shows progress the way it does for a model.
    public func stream(_ request: DraftRequest) -> AsyncThrowingStream<DraftEvent, any Error> {
        AsyncThrowingStream { continuation in
            do {
                let result = try compose(request)
                for piece in Self.pieces(of: try Self.json(of: result.spec)) {
                    continuation.yield(.text(piece))
                }
                continuation.yield(.spec(result))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    func compose(_ request: DraftRequest) throws(DraftingError) -> DraftResult {
        let reading = PromptReading(request.prompt)
        let name = Self.given(request.name)
        let slug = Self.given(request.slug)
        let spec: ServerSpec
        if let existing = request.revising {
            spec = try SpecRevision.revise(existing, reading: reading, catalog: Self.catalog, name: name, slug: slug)
        } else {
            let chosen = RecipeSelection.recipesForNewDraft(reading, catalog: Self.catalog)
            spec = SpecAssembly.newSpec(
                from: chosen.isEmpty ? Self.fallbackRecipes : chosen,
                isFallback: chosen.isEmpty,
                name: name,
                slug: slug
            )
        }
        // The same checks a model's draft must pass; a recipe that fails them is a bug
        // here, reported rather than handed on. Name and slug are already applied (trimmed).
        var applied = request
        applied.name = nil
        applied.slug = nil
        return try DraftFinisher.finish(spec, for: applied, model: Self.modelName)
    }

    static func json(of spec: ServerSpec) throws(DraftingError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(spec) else {
            throw .specInvalid("The drafted spec could not be written as JSON.")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// About four pieces cut at line ends; joined they are exactly `text`.
    static func pieces(of text: String, count: Int = 4) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let size = max(1, (lines.count + count - 1) / count)
        let groups = stride(from: 0, to: lines.count, by: size).map { lines[$0..<min($0 + size, lines.count)] }
        return groups.enumerated().map { index, group in
            group.joined(separator: "\n") + (index < groups.count - 1 ? "\n" : "")
        }
    }

    private static func given(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
