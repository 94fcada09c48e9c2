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
                implementation: RecipeCode.load(recipe: "http_api", tool: "call_json_api")
            ),
        ]
    )
}
