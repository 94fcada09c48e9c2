import Core

/// Turns chosen recipes into a spec: merged tools, secrets and hosts, plus a name,
/// slug and description derived from what was chosen.
enum SpecAssembly {
    static func newSpec(from recipes: [Recipe], isFallback: Bool, name: String?, slug: String?) -> ServerSpec {
        let name = name ?? derivedName(for: recipes)
        var spec = ServerSpec(
            name: name,
            slug: slug ?? derivedSlug(from: name),
            description: description(for: recipes, isFallback: isFallback),
            tools: []
        )
        merge(recipes, into: &spec)
        return spec
    }

    /// Adds each recipe's tools and secrets unless one of the same name or key is
    /// already there (the first one wins), and keeps the hosts sorted and unique.
    static func merge(_ recipes: [Recipe], into spec: inout ServerSpec) {
        guard !recipes.isEmpty else { return }
        for recipe in recipes {
            for tool in recipe.tools where !spec.tools.contains(where: { $0.name == tool.name }) {
                spec.tools.append(tool)
            }
            for secret in recipe.requiredSecrets where !spec.requiredSecrets.contains(where: { $0.key == secret.key }) {
                spec.requiredSecrets.append(secret)
            }
        }
        spec.allowedDomains = Array(Set(spec.allowedDomains + recipes.flatMap(\.allowedDomains))).sorted()
    }

    /// "Weather", "Weather and GitHub", "Weather, GitHub and Slack".
    static func derivedName(for recipes: [Recipe]) -> String {
        let titles = recipes.map(\.title)
        guard let last = titles.last else { return "Offline draft" }
        guard titles.count > 1 else { return last }
        return titles.dropLast().joined(separator: ", ") + " and " + last
    }

    /// The name as a server slug (`LatinSlug`, the rule's 64 characters); "offline-draft" when nothing is left.
    static func derivedSlug(from name: String) -> String {
        let slug = LatinSlug.make(from: name, maxLength: 64)
        return slug.isEmpty ? "offline-draft" : slug
    }

    static func description(for recipes: [Recipe], isFallback: Bool) -> String {
        let opening = isFallback
            ? "Nothing in the request matched a recipe of the offline catalog, so this is a general starting point."
            : nil
        let closing = "Drafted offline from the built-in recipe catalog, without a language model; review the tools before building."
        return ([opening].compactMap { $0 } + recipes.map(\.summary) + [closing]).joined(separator: " ")
    }
}
