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
                implementation: #"""
                const url = new URL("https://registry.npmjs.org/-/v1/search");
                url.searchParams.set("text", args.query);
                url.searchParams.set("size", String(args.limit ?? 10));
                const response = await ctx.fetch(url.toString());
                if (!response.ok) {
                  throw new Error(`The npm registry answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const result = await response.json();
                return {
                  total: result.total,
                  packages: result.objects.map(({ package: found }) => ({
                    name: found.name,
                    version: found.version,
                    description: found.description ?? undefined,
                    published: found.date,
                    publisher: found.publisher?.username,
                    url: found.links?.npm,
                    repository: found.links?.repository
                  }))
                };
                """#
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
                implementation: #"""
                const manifestResponse = await ctx.fetch(`https://registry.npmjs.org/${args.name}/latest`);
                if (manifestResponse.status === 404) {
                  return `There is no npm package called ${args.name}.`;
                }
                if (!manifestResponse.ok) {
                  throw new Error(`The npm registry answered HTTP ${manifestResponse.status}: ${(await manifestResponse.text()).slice(0, 200)}`);
                }
                const manifest = await manifestResponse.json();

                // Download counts are a nicety; a failure there should not hide the package.
                let weeklyDownloads;
                const downloadsResponse = await ctx.fetch(`https://api.npmjs.org/downloads/point/last-week/${args.name}`);
                if (downloadsResponse.ok) {
                  weeklyDownloads = (await downloadsResponse.json()).downloads;
                }

                const repository = typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
                const dependencies = Object.keys(manifest.dependencies ?? {});
                return {
                  name: manifest.name,
                  version: manifest.version,
                  description: manifest.description ?? undefined,
                  license: typeof manifest.license === "string" ? manifest.license : manifest.license?.type,
                  homepage: manifest.homepage ?? undefined,
                  repository: repository?.replace(/^git\+/, "").replace(/\.git$/, ""),
                  node: manifest.engines?.node,
                  dependencies: dependencies.length > 30 ? [...dependencies.slice(0, 30), `…and ${dependencies.length - 30} more`] : dependencies,
                  deprecated: manifest.deprecated ?? undefined,
                  weeklyDownloads,
                  url: `https://www.npmjs.com/package/${manifest.name}`
                };
                """#
            ),
        ]
    )
}
