import Core
import Testing

/// One rule: a change to the valid spec and the single problem it must cause.
struct SpecRuleCase: Sendable, CustomTestStringConvertible {
    let name: String
    let change: @Sendable (inout ServerSpec) -> Void
    let path: String
    let message: String

    init(_ name: String, _ path: String, _ message: String, _ change: @escaping @Sendable (inout ServerSpec) -> Void) {
        self.name = name
        self.change = change
        self.path = path
        self.message = message
    }

    var testDescription: String { name }
}

private let slugRule = "may use only lowercase letters, digits and hyphens, must start with a letter or digit, and be at most 64 characters"
private let toolNameRule = "may use only lowercase letters, digits and underscores, must start with a letter, and be at most 64 characters"
private let keyRule = "may use only uppercase letters, digits and underscores, must start with a letter, and be at most 64 characters, like GITHUB_TOKEN"
private let urlExample = "an absolute http(s) URL like https://example.com/settings/tokens"

private func tool(named name: String) -> ToolSpec {
    ToolSpec(name: name, description: "d", inputSchema: ["type": "object"], implementation: "return 1;")
}

private let ruleCases: [SpecRuleCase] = [
    // server
    SpecRuleCase("name empty", "name", "is empty; write a short display name") { $0.name = " " },
    SpecRuleCase("name too long", "name", "is 81 characters long; the limit is 80") { $0.name = String(repeating: "n", count: 81) },
    SpecRuleCase("slug empty", "slug", "is empty; use lowercase letters, digits and hyphens, like \"weather\"") { $0.slug = "" },
    SpecRuleCase("slug with capitals", "slug", "\"My-Server\" \(slugRule)") { $0.slug = "My-Server" },
    SpecRuleCase("slug starting with a hyphen", "slug", "\"-x\" \(slugRule)") { $0.slug = "-x" },
    SpecRuleCase("slug with a newline", "slug", "\"weather\n\" \(slugRule)") { $0.slug = "weather\n" },
    SpecRuleCase("slug too long", "slug", "\"\(String(repeating: "s", count: 65))\" \(slugRule)") {
        $0.slug = String(repeating: "s", count: 65)
    },
    SpecRuleCase("description empty", "description", "is empty; write what the server is for") { $0.description = "" },
    SpecRuleCase("description too long", "description", "is 2001 characters long; the limit is 2000") {
        $0.description = String(repeating: "d", count: 2001)
    },
    // tools
    SpecRuleCase("no tools", "tools", "must list at least one tool") { $0.tools = [] },
    SpecRuleCase("too many tools", "tools", "lists 51 tools; the limit is 50") { spec in
        spec.tools = (0..<51).map { tool(named: "tool_\($0)") }
    },
    SpecRuleCase("tool name with capitals", "tools[2].name", "\"Get-Weather\" \(toolNameRule)") { spec in
        spec.tools.append(tool(named: "Get-Weather"))
    },
    SpecRuleCase("tool name starting with a digit", "tools[1].name", "\"1tool\" \(toolNameRule)") { $0.tools[1].name = "1tool" },
    SpecRuleCase("tool name too long", "tools[1].name", "\"t\(String(repeating: "x", count: 64))\" \(toolNameRule)") {
        $0.tools[1].name = "t" + String(repeating: "x", count: 64)
    },
    SpecRuleCase("tool name empty", "tools[1].name", "is empty; name the tool in lowercase with underscores, like \"get_forecast\"") {
        $0.tools[1].name = ""
    },
    SpecRuleCase(
        "tool name used twice", "tools[1].name", "\"get_forecast\" is already the name of tools[0]; tool names must be unique"
    ) { $0.tools[1].name = "get_forecast" },
    SpecRuleCase("tool description empty", "tools[0].description", "is empty; write what the tool does and when to use it") {
        $0.tools[0].description = "\n"
    },
    SpecRuleCase("tool description too long", "tools[1].description", "is 2001 characters long; the limit is 2000") {
        $0.tools[1].description = String(repeating: "d", count: 2001)
    },
    SpecRuleCase(
        "inputSchema missing", "tools[0].inputSchema",
        "is missing; start from {\"type\": \"object\", \"properties\": {…}}"
    ) { $0.tools[0].inputSchema = nil },
    SpecRuleCase(
        "inputSchema not an object", "tools[0].inputSchema",
        "must be a JSON Schema object, got array; start from {\"type\": \"object\", \"properties\": {…}}"
    ) { $0.tools[0].inputSchema = [] },
    SpecRuleCase(
        "inputSchema without type", "tools[1].inputSchema.type",
        "is missing; a tool's inputSchema must have \"type\": \"object\" (MCP requires it)"
    ) { $0.tools[1].inputSchema = ["properties": [:]] },
    SpecRuleCase(
        "inputSchema of another type", "tools[1].inputSchema.type",
        "must be \"object\" (MCP requires tool arguments to be an object), got \"string\""
    ) { $0.tools[1].inputSchema = ["type": "string"] },
    SpecRuleCase(
        "inputSchema with an unknown type name", "tools[1].inputSchema.type",
        "must be \"object\" (MCP requires tool arguments to be an object), got \"obj\""
    ) { $0.tools[1].inputSchema = ["type": "obj"] },
    SpecRuleCase(
        "inputSchema problem inside", "tools[0].inputSchema.properties.city.type",
        "\"strng\" is not a type; use one of: array, boolean, integer, null, number, object, string"
    ) { $0.tools[0].inputSchema = ["type": "object", "properties": ["city": ["type": "strng"]]] },
    SpecRuleCase("implementation empty", "tools[1].implementation", "is empty; write the body of the async function that runs the tool") {
        $0.tools[1].implementation = "  \n"
    },
    SpecRuleCase("implementation too large", "tools[1].implementation", "is 65537 bytes; the limit is 65536 bytes (64 KiB)") {
        $0.tools[1].implementation = "return 1;//" + String(repeating: "x", count: 65_537 - 11)
    },
    SpecRuleCase(
        "undeclared secret, dotted", "tools[1].implementation", "uses ctx.secrets.API_KEY, but API_KEY is not declared in requiredSecrets"
    ) { $0.tools[1].implementation = "return ctx.secrets.API_KEY.length;" },
    SpecRuleCase(
        "undeclared secret, bracketed", "tools[1].implementation", "uses ctx.secrets.OTHER, but OTHER is not declared in requiredSecrets"
    ) { $0.tools[1].implementation = "const k = ctx.secrets[\"OTHER\"];\nreturn ctx.secrets?.WEATHER_TOKEN ? 1 : 0;" },
    SpecRuleCase(
        "undeclared secret, destructured", "tools[1].implementation", "uses ctx.secrets.TOKEN_A, but TOKEN_A is not declared in requiredSecrets"
    ) { $0.tools[1].implementation = "const { WEATHER_TOKEN, TOKEN_A: a } = ctx.secrets;\nreturn a;" },
    // secrets
    SpecRuleCase("secret key lowercase", "requiredSecrets[0].key", "\"weather_token\" \(keyRule)") { spec in
        spec.requiredSecrets[0].key = "weather_token"
        spec.tools[0].implementation = "return ctx.secrets.weather_token;"
    },
    SpecRuleCase("secret key empty", "requiredSecrets[1].key", "is empty; name the secret in capitals with underscores, like GITHUB_TOKEN") {
        $0.requiredSecrets.append(RequiredSecret(key: "", description: "d"))
    },
    SpecRuleCase(
        "secret key twice", "requiredSecrets[1].key", "\"WEATHER_TOKEN\" is already declared at requiredSecrets[0]; keys must be unique"
    ) { $0.requiredSecrets.append(RequiredSecret(key: "WEATHER_TOKEN", description: "again")) },
    SpecRuleCase(
        "secret description empty", "requiredSecrets[0].description", "is empty; say what the credential is and which permissions it needs"
    ) { $0.requiredSecrets[0].description = "" },
    SpecRuleCase("howToGetUrl javascript", "requiredSecrets[0].howToGetUrl", "must be \(urlExample), not a javascript: link") {
        $0.requiredSecrets[0].howToGetUrl = "javascript:alert(1)"
    },
    SpecRuleCase("howToGetUrl data", "requiredSecrets[0].howToGetUrl", "must be \(urlExample), not a data: link") {
        $0.requiredSecrets[0].howToGetUrl = "data:text/html,hello"
    },
    SpecRuleCase("howToGetUrl without scheme", "requiredSecrets[0].howToGetUrl", "must be \(urlExample)") {
        $0.requiredSecrets[0].howToGetUrl = "example.com/tokens"
    },
    SpecRuleCase("howToGetUrl with spaces", "requiredSecrets[0].howToGetUrl", "must be \(urlExample)") {
        $0.requiredSecrets[0].howToGetUrl = "https://example.com/my tokens"
    },
    SpecRuleCase("howToGetUrl without host", "requiredSecrets[0].howToGetUrl", "must be \(urlExample), with a host") {
        $0.requiredSecrets[0].howToGetUrl = "https:///tokens"
    },
    SpecRuleCase(
        "howToGetUrl with credentials", "requiredSecrets[0].howToGetUrl", "must not contain a user name or password; give \(urlExample)"
    ) { $0.requiredSecrets[0].howToGetUrl = "https://github.com@evil.example/" },
    SpecRuleCase("howToGetUrl empty", "requiredSecrets[0].howToGetUrl", "is empty; remove it or give \(urlExample)") {
        $0.requiredSecrets[0].howToGetUrl = ""
    },
    // domains
    SpecRuleCase("too many domains", "allowedDomains", "lists 51 domains; the limit is 50 (use a wildcard like *.example.com)") {
        $0.allowedDomains = (0..<51).map { "h\($0).example.com" }
    },
    SpecRuleCase("domain listed twice", "allowedDomains[3]", "\"api.example.com\" is listed twice (first at allowedDomains[0])") {
        $0.allowedDomains.append("api.example.com")
    },
]

/// `allowedDomains` entries and the message each must produce.
private let domainCases: [(String, String)] = [
    ("", "is empty; write a host name like api.example.com"),
    ("https://api.github.com/repos", "\"https://api.github.com/repos\" must be a host name without a scheme; write \"api.github.com\""),
    ("api.github.com/repos", "\"api.github.com/repos\" must be a host name without a path; write \"api.github.com\""),
    ("api.github.com:443", "\"api.github.com:443\" must be a host name without a port; write \"api.github.com\" (any port is allowed)"),
    ("API.GitHub.com", "\"API.GitHub.com\" must be lowercase; write \"api.github.com\""),
    ("api github.com", "\"api github.com\" contains whitespace; write only the host name, like api.example.com"),
    (" api.github.com", "\" api.github.com\" contains whitespace; write only the host name, like api.example.com"),
    ("[::1]", "\"[::1]\" is an IPv6 address; list a host name or an IPv4 address written as four numbers, like 10.20.0.5"),
    ("fd00::1", "\"fd00::1\" is an IPv6 address; list a host name or an IPv4 address written as four numbers, like 10.20.0.5"),
    ("0x7f000001", "\"0x7f000001\" is an IP address in a form readers disagree on; write it as four decimal numbers, like 10.20.0.5"),
    ("127.1", "\"127.1\" is an IP address in a form readers disagree on; write it as four decimal numbers, like 10.20.0.5"),
    ("10.020.0.5", "\"10.020.0.5\" is an IP address in a form readers disagree on; write it as four decimal numbers, like 10.20.0.5"),
    ("10.20.0.256", "\"10.20.0.256\" is an IP address in a form readers disagree on; write it as four decimal numbers, like 10.20.0.5"),
    ("localhost", "\"localhost\" is not a full host name; write one with a domain, like api.example.com"),
    ("*.com", "\"*.com\" covers a whole top-level domain; a wildcard must name a domain, like *.example.com"),
    ("api.*.com", "\"api.*.com\" has a wildcard in the wrong place; * is allowed alone or as the whole first label, like *.example.com"),
    ("*example.com", "\"*example.com\" has a wildcard in the wrong place; * is allowed alone or as the whole first label, like *.example.com"),
    ("**", "\"**\" has a wildcard in the wrong place; * is allowed alone or as the whole first label, like *.example.com"),
    ("a..example.com", "\"a..example.com\" has an empty label (two dots in a row, or a leading dot)"),
    (".example.com", "\".example.com\" has an empty label (two dots in a row, or a leading dot)"),
    ("example.com.", "\"example.com.\" must not end with a dot; write \"example.com\""),
    ("-api.example.com", "\"-api.example.com\" has a label that starts or ends with a hyphen"),
    ("api_v1.example.com", "\"api_v1.example.com\" may only contain lowercase letters, digits, hyphens and dots"),
    ("bücher.de", "\"bücher.de\" must be written in its ASCII (punycode, xn--) form"),
    ("user@example.com", "\"user@example.com\" must be a host name without a user name"),
]

@Suite struct SpecValidatorTests {
    @Test("text-direction controls are refused in names, descriptions and code (Trojan Source); a flood of combining marks is too long")
    func invisibleTextDirection() {
        var spec = validSpec()
        spec.name = "Safe \u{202E}redaeR"
        spec.tools[0].description = "Reads \u{2066}files\u{2069}."
        spec.tools[0].implementation = "/* \u{202E} } \u{2066}if (isAdmin)\u{2069} */ return 1;"
        spec.description = "A" + String(repeating: "\u{0301}", count: 100_000)
        let problems = SpecValidator.problems(in: spec)
        #expect(problems.contains { $0.path == "name" && $0.message.contains("U+202E") })
        #expect(problems.contains { $0.path == "tools[0].description" && $0.message.contains("U+2066") })
        #expect(problems.contains { $0.path == "tools[0].implementation" && $0.message.contains("\\u202e") })
        #expect(problems.contains { $0.path == "description" && $0.message.contains("the limit is") })
        // written as an escape, the same character is ordinary code
        var escaped = validSpec()
        escaped.tools[0].implementation = #"return "\u202E" + args.text;"#
        #expect(SpecValidator.problems(in: escaped).isEmpty)
    }

    @Test("control characters: none in names and titles, line breaks and tabs only in descriptions, no NUL in code")
    func controlCharacters() {
        var spec = validSpec()
        spec.name = "Weather\nBcc: x"
        spec.description = "Line one.\n\tLine two.\u{0}"
        spec.tools[0].title = "Forecast\tnow"
        spec.tools[1].description = "Counts words.\r\nEvery one."
        spec.tools[1].implementation = "return '\u{0}';"
        let problems = SpecValidator.problems(in: spec)
        #expect(problems.contains { $0.path == "name" && $0.message == "holds a line break; it is one line" })
        #expect(problems.contains { $0.path == "description" && $0.message.contains("(U+0000)") })
        #expect(problems.contains { $0.path == "tools[0].title" && $0.message.contains("(U+0009)") })
        #expect(!problems.contains { $0.path == "tools[1].description" }, "a description may have line breaks")
        #expect(problems.contains { $0.path == "tools[1].implementation" && $0.message.contains("\\u0000") })
        #expect(problems.count == 4, "\(problems)")
    }

    @Test("secret descriptions and every string in a schema follow the text rules")
    func secretsAndSchemaText() {
        var spec = validSpec()
        spec.requiredSecrets[0].description = "Key \u{202E}yek terces"
        spec.tools[0].inputSchema = [
            "type": "object",
            "properties": [
                "te\u{202E}xt": ["type": "string", "description": "d\u{0}esc"],
                "café": ["type": "string", "enum": ["ok\nline", "fine"]],
            ],
        ]
        var long = validSpec()
        long.requiredSecrets[0].description = String(repeating: "k", count: 301)
        let problems = SpecValidator.problems(in: spec)
        #expect(problems.contains { $0.path == "requiredSecrets[0].description" && $0.message.contains("U+202E") })
        #expect(problems.contains { $0.path == "tools[0].inputSchema.properties.te\\u{202E}xt" && $0.message.contains("U+202E") },
                "the path shows the hidden character instead of carrying it: \(problems)")
        #expect(problems.contains { $0.path == "tools[0].inputSchema.properties.te\\u{202E}xt.description" && $0.message.contains("U+0000") })
        #expect(!problems.contains { $0.path.contains("café") }, "line breaks in schema strings are text")
        #expect(SpecValidator.problems(in: long).map(\.path) == ["requiredSecrets[0].description"])
    }

    @Test func aValidSpecHasNoProblems() throws {
        // given
        let spec = validSpec()
        // when
        let problems = SpecValidator.problems(in: spec)
        // then
        #expect(problems == [])
        try SpecValidator.check(spec)
    }

    @Test(arguments: ruleCases)
    func eachRuleNamesTheFieldAndTheReason(_ rule: SpecRuleCase) {
        // given
        var spec = validSpec()
        rule.change(&spec)
        // when
        let problems = SpecValidator.problems(in: spec)
        // then
        #expect(problems == [SpecProblem(path: rule.path, message: rule.message)])
    }

    @Test(arguments: domainCases)
    func invalidDomainsAreExplained(_ entry: String, _ message: String) {
        // given
        var spec = validSpec()
        spec.allowedDomains = [entry]
        // when
        let problems = SpecValidator.problems(in: spec)
        // then
        #expect(problems == [SpecProblem(path: "allowedDomains[0]", message: message)])
    }

    // An IPv4 address names an internal API on a range the operator opened; only a named host reaches one, never `*`.
    @Test(arguments: ["api.github.com", "*.example.com", "*", "xn--bcher-kva.de", "a-b.c-d.example", "api2.example.com", "10.20.0.5", "127.0.0.1"])
    func validDomainsPass(_ entry: String) {
        // given
        var spec = validSpec()
        spec.allowedDomains = [entry]
        // then
        #expect(SpecValidator.problems(in: spec) == [])
    }

    @Test func secretsReadOnlyInCommentsOrStringsOfOtherObjectsAreNotRequired() {
        // given
        var spec = validSpec()
        spec.tools[1].implementation = """
            // ctx.secrets.OLD_KEY was removed
            /* ctx.secrets["ALSO_OLD"] */
            const other = { secrets: {} };
            return myctx.secrets.NOT_CTX ?? other.secrets.X;
            """
        // then
        #expect(SpecValidator.problems(in: spec) == [])
    }

    @Test func checkThrowsEveryProblemWithASummary() {
        // given
        var spec = validSpec()
        spec.name = ""
        spec.slug = "Bad Slug"
        spec.tools[0].name = "Bad"
        spec.tools[1].description = ""
        spec.allowedDomains = ["localhost"]
        // when
        let error = #expect(throws: SpecValidationError.self) { try SpecValidator.check(spec) }
        // then
        #expect(error?.problems == SpecValidator.problems(in: spec))
        #expect(error?.problems.map(\.path) == ["name", "slug", "tools[0].name", "tools[1].description", "allowedDomains[0]"])
        #expect(
            error?.summary
                == "name: is empty; write a short display name; slug: \"Bad Slug\" \(slugRule); tools[0].name: \"Bad\" \(toolNameRule); and 2 more"
        )
    }

    @Test func summaryWithFewProblemsListsThemAll() {
        // given
        let problems = [SpecProblem(path: "name", message: "is empty"), SpecProblem(path: "", message: "whole spec")]
        // when
        let error = SpecValidationError(problems: problems)
        // then
        #expect(error.summary == "name: is empty; whole spec")
    }
}
