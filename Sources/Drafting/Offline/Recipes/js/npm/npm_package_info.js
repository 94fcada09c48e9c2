async function npm_package_info(args, ctx) {
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
}
