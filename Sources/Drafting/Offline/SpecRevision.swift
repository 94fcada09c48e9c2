import Core

/// Applies "also add weather" or "remove slack" to an existing spec. Everything the prompt
/// does not name stays as it was, including tools the catalog never wrote.
enum SpecRevision {
    static func revise(
        _ spec: ServerSpec,
        reading: PromptReading,
        catalog: [Recipe],
        name: String?,
        slug: String?
    ) throws(DraftingError) -> ServerSpec {
        let recipesBefore = recipes(in: spec, catalog: catalog)
        let mentions = RecipeSelection.mentions(in: reading, catalog: catalog)
        let removed = mentions
            .filter { $0.isUnwanted && recipesBefore.contains($0.recipe) }
            .map(\.recipe)
        let added = RecipeSelection.strongest(mentions.filter { $0.isWanted && !recipesBefore.contains($0.recipe) })

        var revised = spec
        remove(removed, from: &revised, catalog: catalog)
        SpecAssembly.merge(added, into: &revised)
        guard !revised.tools.isEmpty else {
            throw .specInvalid("Removing \(removed.map(\.title).joined(separator: " and ")) would leave the server without tools.")
        }

        // A name or description the offline drafter derived follows the recipes; one the
        // person wrote is theirs and stays.
        if !added.isEmpty || !removed.isEmpty {
            let recipesAfter = recipes(in: revised, catalog: catalog)
            if spec.name == SpecAssembly.derivedName(for: recipesBefore) {
                revised.name = SpecAssembly.derivedName(for: recipesAfter)
            }
            let generated = [false, true].map { SpecAssembly.description(for: recipesBefore, isFallback: $0) }
            if generated.contains(spec.description) {
                revised.description = SpecAssembly.description(for: recipesAfter, isFallback: false)
            }
        }
        if let name { revised.name = name }
        if let slug { revised.slug = slug }
        return revised
    }

    /// Catalog recipes with at least one tool in the spec, in the order their tools appear.
    static func recipes(in spec: ServerSpec, catalog: [Recipe]) -> [Recipe] {
        var found: [Recipe] = []
        for tool in spec.tools {
            if let recipe = catalog.first(where: { $0.toolNames.contains(tool.name) }), !found.contains(recipe) {
                found.append(recipe)
            }
        }
        return found
    }

    /// Drops the recipes' tools, then any of their secrets and hosts nothing left still needs.
    private static func remove(_ removed: [Recipe], from spec: inout ServerSpec, catalog: [Recipe]) {
        guard !removed.isEmpty else { return }
        let removedTools = Set(removed.flatMap(\.toolNames))
        spec.tools.removeAll { removedTools.contains($0.name) }

        let kept = recipes(in: spec, catalog: catalog)
        let catalogTools = Set(catalog.flatMap(\.toolNames))
        let ownTools = spec.tools.filter { !catalogTools.contains($0.name) }
        let remainingCode = spec.tools.map(\.implementation)

        spec.requiredSecrets.removeAll { secret in
            removed.contains { $0.requiredSecrets.contains { $0.key == secret.key } }
                && !remainingCode.contains { $0.contains(secret.key) }
        }
        spec.allowedDomains.removeAll { domain in
            let host = domain.hasPrefix("*.") ? String(domain.dropFirst(2)) : domain
            let stillNeeded = kept.contains { $0.allowedDomains.contains(domain) }
                || ownTools.contains { domain == "*" || $0.implementation.contains(host) }
            return removed.contains { $0.allowedDomains.contains(domain) } && !stillNeeded
        }
    }
}
