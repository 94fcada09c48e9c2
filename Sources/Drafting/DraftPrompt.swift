import Core
import Foundation

/// What the model is told. The same contract is taught to every provider; only the
/// way the answer comes back differs (a forced tool call, or plain text holding JSON).
public enum DraftPrompt {
    /// How the model hands back the spec.
    public enum Answer: Sendable {
        /// Calls ``DraftPrompt/toolName`` with the spec as its input (Anthropic).
        case toolCall
        /// Replies with the spec as one JSON object (OpenAI-compatible servers, where tool
        /// support varies from server to server).
        case jsonText
    }

    public static let toolName = "submit_server_spec"
    public static let toolDescription =
        "Submit the complete MCP server spec. Call this exactly once with the whole spec."

    public static func system(answer: Answer) -> String {
        let delivery =
            switch answer {
            case .toolCall:
                "Submit the spec by calling the `\(toolName)` tool once with the complete spec as its input. "
                    + "Do not write the spec as text."
            case .jsonText:
                "Reply with the spec as a single JSON object in one ```json fenced block, and nothing else: "
                    + "no commentary before or after it."
            }
        return contract + "\n\n# Answer\n" + delivery
    }

    /// The one user message. It is built only from the request's prompt, name, slug and the
    /// spec being revised; secret values never reach a drafter, so none can be sent on.
    public static func userMessage(for request: DraftRequest) -> String {
        var parts: [String] = []
        if let current = request.revising {
            parts.append("Here is the current spec of the server:\n\n```json\n\(json(current))\n```")
            parts.append("Apply this change to it:\n\n\(request.prompt)")
            parts.append(
                "Return the whole updated spec. Keep every tool the change does not touch exactly as it is, "
                    + "implementation included, and keep the name and slug unless the change asks otherwise."
            )
        } else {
            parts.append("Draft an MCP server for this request:\n\n\(request.prompt)")
        }
        if let name = request.name { parts.append("The server's name must be: \(name)") }
        if let slug = request.slug { parts.append("The server's slug must be: \(slug)") }
        return parts.joined(separator: "\n\n")
    }

    /// The spec as shown to the model when revising it.
    public static func json(_ spec: ServerSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(spec) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static let contract = """
        You design MCP (Model Context Protocol) servers for BuildMyMCPServer. A person describes in plain words \
        what their server should do; you write its spec. The platform runs each tool's JavaScript in a sandbox \
        and serves the tools over MCP.

        # The spec
        A JSON object of this exact form:
        {
          "name": "Weather Tools",
          "slug": "weather-tools",
          "description": "What the server does, in one or two sentences.",
          "tools": [
            {
              "name": "get_forecast",
              "title": "Get forecast",
              "description": "What the tool does and when to use it; the calling model reads this.",
              "annotations": {"readOnlyHint": true},
              "inputSchema": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}}, "required": ["city"], "additionalProperties": false},
              "implementation": "const url = new URL('https://api.example.com/forecast');\\nurl.searchParams.set('q', args.city);\\nconst res = await ctx.fetch(url.toString(), {headers: {'Authorization': 'Bearer ' + ctx.secrets.WEATHER_API_KEY}});\\nif (!res.ok) throw new Error('Forecast service answered ' + res.status);\\nreturn await res.json();"
            }
          ],
          "requiredSecrets": [
            {"key": "WEATHER_API_KEY", "description": "API key for the forecast service", "howToGetUrl": "https://example.com/account/api-keys"}
          ],
          "allowedDomains": ["api.example.com"]
        }

        Rules:
        - name: a short human-readable title.
        - slug: matches ^[a-z0-9][a-z0-9-]{0,63}$ (lowercase letters, digits, hyphens).
        - tools: at least one. Each tool name matches ^[a-z][a-z0-9_]{0,63}$ (lower_snake_case) and is unique.
        - description: every tool needs one that says what it returns and when to call it.
        - title: every tool gets a short human-readable name for menus, like "Get forecast".
        - annotations: hints for the client, always given. readOnlyHint: true when the tool only reads. A tool \
        that changes something sets readOnlyHint: false, destructiveHint: true when it may delete or overwrite \
        data (false when it only adds), and idempotentHint: true when repeating the same call changes nothing \
        more. openWorldHint: false only for a tool that calls no external service.
        - requiredSecrets: one entry per secret the tools read. Each key matches ^[A-Z][A-Z0-9_]{0,63}$. \
        Give a description and, when you know it, howToGetUrl: the page where the person creates that key. \
        Never put a secret value anywhere in the spec; the person enters values later. Use an empty list \
        when no tool needs a secret.
        - allowedDomains: every host name any tool fetches from, exactly as it appears in the URLs (no scheme, \
        no path, no port). Requests to any other host are blocked.

        # inputSchema
        A JSON Schema whose top level is {"type": "object", ...}. Use only these keywords: type, properties, \
        required, enum, const, items, minimum, maximum, minLength, maxLength, pattern, format (only date, \
        date-time, email, uri), additionalProperties, default, description, anyOf, oneOf. Describe every \
        property so the calling model knows what to pass.

        # implementation
        The body of an async JavaScript function that is called as (args, ctx). `args` holds the validated \
        arguments. Available:
        - await ctx.fetch(url, init): like fetch; init has method, headers, body (a string). It returns a \
        response with status, ok, headers.get(name), await json() and await text().
        - ctx.secrets.NAME: the value of a declared required secret, for example ctx.secrets.WEATHER_API_KEY. \
        Read only secrets listed in requiredSecrets.
        - ctx.log(...): writes to the server's log.
        - Globals: URL, URLSearchParams, TextEncoder, TextDecoder, crypto.randomUUID(), console.
        Return a string or a JSON-serialisable value; throw an Error with a clear message when something fails \
        (check res.ok). Build URLs with URL and URLSearchParams rather than string concatenation. Not available, \
        never use: eval, new Function, import, require, process, setTimeout or setInterval with a string, and \
        any other way to load or run code.

        Keep the server focused: the few tools the request needs, each doing one thing well. When the request \
        names a public API, use its real endpoints.
        """

    /// The JSON Schema of the spec, as the input schema of ``toolName``.
    public static let specSchema: JSONValue = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "description": "Short human-readable name of the server."],
            "slug": [
                "type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$",
                "description": "URL-safe identifier.",
            ],
            "description": ["type": "string", "description": "What the server does."],
            "tools": [
                "type": "array",
                "minItems": 1,
                "items": [
                    "type": "object",
                    "properties": [
                        "name": ["type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"],
                        "title": ["type": "string", "description": "Short human-readable name for menus."],
                        "description": ["type": "string"],
                        "annotations": [
                            "type": "object",
                            "description": "Hints for MCP clients about the tool's effects.",
                            "properties": [
                                "readOnlyHint": ["type": "boolean", "description": "The tool only reads; it changes nothing."],
                                "destructiveHint": ["type": "boolean", "description": "A writing tool may delete or overwrite data."],
                                "idempotentHint": ["type": "boolean", "description": "Repeating the same call has no further effect."],
                                "openWorldHint": ["type": "boolean", "description": "The tool reaches external services."],
                            ],
                            "additionalProperties": false,
                        ],
                        "inputSchema": [
                            "type": "object",
                            "description": "JSON Schema of the arguments; its top level is {\"type\": \"object\"}.",
                        ],
                        "implementation": [
                            "type": "string",
                            "description": "Body of an async JavaScript function called as (args, ctx).",
                        ],
                    ],
                    "required": ["name", "title", "description", "annotations", "inputSchema", "implementation"],
                ],
            ],
            "requiredSecrets": [
                "type": "array",
                "items": [
                    "type": "object",
                    "properties": [
                        "key": ["type": "string", "pattern": "^[A-Z][A-Z0-9_]{0,63}$"],
                        "description": ["type": "string"],
                        "howToGetUrl": ["type": "string", "description": "Where to create this credential."],
                    ],
                    "required": ["key", "description"],
                ],
            ],
            "allowedDomains": [
                "type": "array",
                "items": ["type": "string"],
                "description": "Every host name the tools fetch from.",
            ],
        ],
        "required": ["name", "slug", "description", "tools", "requiredSecrets", "allowedDomains"],
    ]
}
