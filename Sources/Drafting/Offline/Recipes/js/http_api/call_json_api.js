async function call_json_api(args, ctx) {
const method = args.method ?? "GET";
const base = args.base_url.replace(/\/+$/, "");
const path = (args.path ?? "/").replace(/^\/+/, "");
const url = new URL(path ? `${base}/${path}` : base);
if (url.protocol !== "https:") {
  throw new Error("Only https addresses are allowed, so the token is never sent in clear text.");
}
for (const [name, value] of Object.entries(args.query ?? {})) {
  url.searchParams.set(name, String(value));
}

const headers = { "Accept": "application/json" };
const auth = args.auth ?? "bearer";
if (auth === "bearer") {
  headers["Authorization"] = `Bearer ${ctx.secrets.API_TOKEN}`;
} else if (auth === "x-api-key") {
  headers["X-API-Key"] = ctx.secrets.API_TOKEN;
}
const init = { method, headers };
if (args.body !== undefined && method !== "GET" && method !== "DELETE") {
  headers["Content-Type"] = "application/json";
  init.body = JSON.stringify(args.body);
}

const response = await ctx.fetch(url.toString(), init);
const text = await response.text();
if (!response.ok) {
  throw new Error(`${method} ${url.pathname} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
}
const contentType = response.headers.get("content-type") ?? "";
let data = text;
if (contentType.includes("json") || /^\s*[\[{]/.test(text)) {
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
}
const limit = 20000;
const size = typeof data === "string" ? data.length : JSON.stringify(data).length;
if (size > limit) {
  const shown = typeof data === "string" ? data : JSON.stringify(data);
  return {
    status: response.status,
    contentType,
    truncated: true,
    note: `The body has ${size} characters; the first ${limit} are shown. Ask for less with query parameters such as a page size.`,
    body: shown.slice(0, limit)
  };
}
return { status: response.status, contentType, body: data };
}
