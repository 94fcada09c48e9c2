import Core

extension Recipe {
    /// Any JSON HTTP API whose base address the caller passes, authenticated with one token.
    /// The host list is open because the address is an argument; https only, so the token
    /// never travels in clear text.
    static let jsonAPI = Recipe(
        id: "http_api",
        title: "JSON HTTP API",
        summary: "JSON HTTP API: call any JSON REST endpoint over HTTPS with an API token, and get back the status and a compact body.",
        strong: [
            "json api", "http api", "rest api", "generic api", "custom api", "internal api", "own api", "any api",
            "api endpoint", "api endpoints", "webhook", "http request", "rest endpoint", "bearer token",
        ],
        weak: ["api", "apis", "endpoint", "http", "rest", "json", "token", "integration", "schnittstelle", "interface"],
        requiredSecrets: [
            RequiredSecret(
                key: "API_TOKEN",
                description: "Token for the API the tools call. It is sent as a Bearer token by default (or as X-API-Key), only to the base address passed in each call, so use a token limited to that API."
            ),
        ],
        allowedDomains: ["*"],
        tools: [
            ToolSpec(
                name: "call_json_api",
                description: "Call a JSON HTTP API: method, base address, path, query parameters and JSON body. Returns the status and the parsed JSON (or text), shortened when large.",
                inputSchema: InputSchema.object(
                    [
                        "base_url": InputSchema.string(
                            "Base address of the API, e.g. https://api.example.com/v1",
                            maxLength: 500,
                            pattern: "^https://",
                            format: "uri"
                        ),
                        "path": InputSchema.string("Path below the base address, e.g. /items/42", maxLength: 1000, pattern: "^/", default: "/"),
                        "method": InputSchema.string("HTTP method", choices: ["GET", "POST", "PUT", "PATCH", "DELETE"], default: "GET"),
                        "query": [
                            "type": "object",
                            "description": "Query parameters as names and values",
                            "additionalProperties": ["anyOf": [["type": "string"], ["type": "number"], ["type": "boolean"]]],
                        ],
                        "body": [
                            "description": "JSON body for POST, PUT or PATCH",
                            "anyOf": [["type": "object"], ["type": "array"]],
                        ],
                        "auth": InputSchema.string(
                            "How to send API_TOKEN: Authorization Bearer, X-API-Key header, or not at all",
                            choices: ["bearer", "x-api-key", "none"],
                            default: "bearer"
                        ),
                    ],
                    required: ["base_url"]
                ),
                implementation: #"""
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
                """#
            ),
        ]
    )
}
