import Core
import Drafting

/// Helpers shared by the offline drafter tests.
enum OfflineDrafting {
    static let drafter = OfflineDrafter()

    static func request(_ prompt: String, name: String? = nil, slug: String? = nil, revising: ServerSpec? = nil) -> DraftRequest {
        DraftRequest(prompt: prompt, name: name, slug: slug, model: "any-model", revising: revising)
    }

    static func draft(_ prompt: String, name: String? = nil, slug: String? = nil) async throws -> ServerSpec {
        try await drafter.draft(request(prompt, name: name, slug: slug)).spec
    }

    /// Ids of the catalog recipes whose tools are all in the spec, in the order of the spec's tools.
    static func recipeIDs(in spec: ServerSpec) -> [String] {
        let toolNames = spec.tools.map(\.name)
        return OfflineDrafter.catalog
            .filter { recipe in recipe.tools.allSatisfy { toolNames.contains($0.name) } }
            .sorted { first, second in
                toolNames.firstIndex(of: first.tools[0].name)! < toolNames.firstIndex(of: second.tools[0].name)!
            }
            .map(\.id)
    }

    /// Every contract problem and scanner finding, as text; empty for a spec ready to build.
    static func issues(in spec: ServerSpec) -> [String] {
        SpecValidator.problems(in: spec).map(\.description)
            + SpecScanner.findings(in: spec, secretValues: []).map { "\($0.path): \($0.message)" }
    }
}
