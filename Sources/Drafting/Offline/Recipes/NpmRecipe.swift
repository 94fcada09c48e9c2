import Core

extension Recipe {
    /// The public npm registry and its download counts, no key. Package documents can be
    /// many megabytes, so the tools read the small "latest" manifest instead.
    static let npm = Recipe(
        id: "npm",
        title: "npm packages",
        summary: "npm packages: search the npm registry and look up a package's latest version, license, dependencies and weekly downloads.",
        strong: ["npm", "npmjs", "npm registry", "node package", "node packages", "javascript package", "javascript packages"],
        weak: ["package", "packages", "dependency", "dependencies", "node", "nodejs", "javascript", "typescript", "library", "libraries"],
        allowedDomains: ["api.npmjs.org", "registry.npmjs.org"],
        tools: [
            ToolSpec(
                name: "search_npm_packages",
                description: "Search the npm registry by words; returns package names, latest versions, descriptions and links.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Search words, e.g. date formatting", minLength: 1, maxLength: 200),
                        "limit": InputSchema.integer("Maximum number of packages", minimum: 1, maximum: 25, default: 10),
                    ],
                    required: ["query"]
                ),
                implementation: RecipeCode.load(recipe: "npm", tool: "search_npm_packages")
            ),
            ToolSpec(
                name: "npm_package_info",
                description: "The latest version of an npm package with its description, license, homepage, repository, dependencies, Node.js engine range and last week's downloads.",
                inputSchema: InputSchema.object(
                    [
                        "name": InputSchema.string(
                            "Package name, e.g. express or @types/node",
                            minLength: 1,
                            maxLength: 214,
                            pattern: "^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$"
                        ),
                    ],
                    required: ["name"]
                ),
                implementation: RecipeCode.load(recipe: "npm", tool: "npm_package_info")
            ),
        ]
    )
}
