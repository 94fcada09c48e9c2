async function search_npm_packages(args, ctx) {
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
}
