async function _headers(args, ctx) {
const headers = {
  "Accept": "application/vnd.github+json",
  "Authorization": `Bearer ${ctx.secrets.GITHUB_TOKEN}`,
  "X-GitHub-Api-Version": "2022-11-28",
  "User-Agent": "BuildMyMCPServer-tool"
};
}
