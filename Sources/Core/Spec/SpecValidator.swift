import Foundation

/// Checks a spec against the contract documented on the "Authoring tools" page. Every
/// problem names the field (`tools[2].name`) and says why, in words a person can act on.
public enum SpecValidator {
    public static let maxNameLength = 80
    public static let maxDescriptionLength = 2000
    public static let maxTools = 50
    public static let maxImplementationBytes = 64 * 1024
    public static let maxAllowedDomains = 50
    public static let maxSecretDescriptionLength = 300

    // Said in words: people read these beside the field in the wizard, where a regular expression is noise
    // (the API's schema and the drafting prompt keep the patterns for programs).
    static let slugRule = "may use only lowercase letters, digits and hyphens, must start with a letter or digit, and be at most 64 characters"
    static let toolNameRule = "may use only lowercase letters, digits and underscores, must start with a letter, and be at most 64 characters"
    static let secretKeyRule = "may use only uppercase letters, digits and underscores, must start with a letter, and be at most 64 characters, like GITHUB_TOKEN"

    /// Every problem, in the order of the fields.
    /// Whether `slug` follows the slug rule (also used for the wizard's live check).
    public static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && matches(slug, first: isLowerOrDigit, rest: { isLowerOrDigit($0) || $0 == "-" })
    }

    public static func problems(in spec: ServerSpec) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        func add(_ path: String, _ message: String) {
            problems.append(SpecProblem(path: path, message: message))
        }

        checkText(spec.name, at: "name", limit: maxNameLength, what: "a short display name", multiline: false, add)
        if spec.slug.isEmpty {
            add("slug", "is empty; use lowercase letters, digits and hyphens, like \"weather\"")
        } else if !isValidSlug(spec.slug) {
            add("slug", "\"\(spec.slug)\" \(slugRule)")
        }
        checkText(spec.description, at: "description", limit: maxDescriptionLength, what: "what the server is for", multiline: true, add)

        checkTools(spec, add)
        checkSecrets(spec.requiredSecrets, add)
        checkDomains(spec.allowedDomains, add)
        return problems
    }

    /// Throws every problem at once when there is any.
    public static func check(_ spec: ServerSpec) throws(SpecValidationError) {
        let found = problems(in: spec)
        if !found.isEmpty { throw SpecValidationError(problems: found) }
    }

    // MARK: tools

    private static func checkTools(_ spec: ServerSpec, _ add: (String, String) -> Void) {
        if spec.tools.isEmpty {
            add("tools", "must list at least one tool")
        } else if spec.tools.count > maxTools {
            add("tools", "lists \(spec.tools.count) tools; the limit is \(maxTools)")
        }
        let declaredSecrets = Set(spec.requiredSecrets.map(\.key))
        var firstIndexByName: [String: Int] = [:]
        // One time budget for every pattern in the spec: fifty tools of slow patterns stop after one run's time.
        let patterns = PatternCache()
        for (index, tool) in spec.tools.enumerated() {
            let path = "tools[\(index)]"
            if tool.name.isEmpty {
                add("\(path).name", "is empty; name the tool in lowercase with underscores, like \"get_forecast\"")
            } else if !matches(tool.name, first: isLower, rest: { isLowerOrDigit($0) || $0 == "_" }) {
                add("\(path).name", "\"\(tool.name)\" \(toolNameRule)")
            } else if let first = firstIndexByName[tool.name] {
                add("\(path).name", "\"\(tool.name)\" is already the name of tools[\(first)]; tool names must be unique")
            } else {
                firstIndexByName[tool.name] = index
            }
            checkText(
                tool.description, at: "\(path).description", limit: maxDescriptionLength,
                what: "what the tool does and when to use it", multiline: true, add
            )
            checkInputSchema(tool.inputSchema, at: "\(path).inputSchema", patterns: patterns, add)
            checkMetadata(tool, at: path, patterns: patterns, add)
            checkImplementation(tool.implementation, at: "\(path).implementation", declaredSecrets: declaredSecrets, add)
        }
    }

    private static func checkInputSchema(_ schema: JSONValue, at path: String, patterns: PatternCache, _ add: (String, String) -> Void) {
        guard case .object(let members) = schema else {
            let got = schema == .null ? "is missing" : "must be a JSON Schema object, got \(schema.typeNameForMessage)"
            add(path, "\(got); start from {\"type\": \"object\", \"properties\": {…}}")
            return
        }
        switch members["type"] {
        case nil:
            add("\(path).type", "is missing; a tool's inputSchema must have \"type\": \"object\" (MCP requires it)")
        case .string("object")?:
            break
        case let other?:
            add("\(path).type", "must be \"object\" (MCP requires tool arguments to be an object), got \(other.compactJSON)")
        }
        for problem in JSONSchema.problems(inSchema: schema, at: path, patterns: patterns)
        where !(problem.path == "\(path).type" && members["type"] != .string("object")) {
            add(problem.path, problem.message)
        }
        checkSchemaText(schema, at: path, add)
    }

    /// Property names, descriptions and every other string in a schema reach clients in `tools/list` and people on
    /// template pages: no text-direction characters (they show text in another order than it is) and no control
    /// characters but line breaks and tabs. Reports the first few, named by escaped path.
    static func checkSchemaText(_ schema: JSONValue, at path: String, _ add: (String, String) -> Void) {
        var found = 0
        func visit(_ value: JSONValue, _ path: String) {
            guard found < 5 else { return }
            func check(_ text: String, _ path: String) {
                if let bidi = bidiControl(in: text) {
                    found += 1
                    add(path, bidi)
                } else if let control = TextCheck.controlCharacter(in: text, multiline: true) {
                    found += 1
                    add(path, TextCheck.controlMessage(control))
                }
            }
            switch value {
            case .string(let text): check(text, path)
            case .array(let items): for (index, item) in items.enumerated() { visit(item, "\(path)[\(index)]") }
            case .object(let members):
                for key in members.keys.sorted() {
                    let child = "\(path).\(visibleKey(key))"
                    check(key, child)
                    visit(members[key]!, child)
                }
            default: break
            }
        }
        visit(schema, path)
    }

    /// A key as a path segment that shows what is in it: invisible and control characters as `\u{…}`.
    private static func visibleKey(_ key: String) -> String {
        key.unicodeScalars.map { scalar in
            DisplayName.isRefused(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }.joined()
    }

    private static func checkImplementation(
        _ code: String, at path: String, declaredSecrets: Set<String>, _ add: (String, String) -> Void
    ) {
        if code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(path, "is empty; write the body of the async function that runs the tool")
            return
        }
        if let bidi = bidiControl(in: code) {
            add(path, bidi)
        }
        if code.unicodeScalars.contains("\u{0}") {
            add(path, "holds a NUL character (U+0000), which cannot be stored; write it as an escape such as \\u0000")
        }
        let bytes = code.utf8.count
        if bytes > maxImplementationBytes {
            add(path, "is \(bytes) bytes; the limit is \(maxImplementationBytes) bytes (64 KiB)")
        }
        for name in SecretReferences.names(in: code) where !declaredSecrets.contains(name) {
            add(path, "uses ctx.secrets.\(name), but \(name) is not declared in requiredSecrets")
        }
    }

    // MARK: secrets and domains

    private static func checkSecrets(_ secrets: [RequiredSecret], _ add: (String, String) -> Void) {
        var firstIndexByKey: [String: Int] = [:]
        for (index, secret) in secrets.enumerated() {
            let path = "requiredSecrets[\(index)]"
            if secret.key.isEmpty {
                add("\(path).key", "is empty; name the secret in capitals with underscores, like GITHUB_TOKEN")
            } else if !matches(secret.key, first: isUpper, rest: { isUpper($0) || isDigit($0) || $0 == "_" }) {
                add("\(path).key", "\"\(secret.key)\" \(secretKeyRule)")
            } else if let first = firstIndexByKey[secret.key] {
                add("\(path).key", "\"\(secret.key)\" is already declared at requiredSecrets[\(first)]; keys must be unique")
            } else {
                firstIndexByKey[secret.key] = index
            }
            if secret.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                add("\(path).description", "is empty; say what the credential is and which permissions it needs")
            } else {
                // Shown to whoever fills the secret in, and as a template's hint: the rules of any one-line text.
                checkText(secret.description, at: "\(path).description", limit: maxSecretDescriptionLength,
                          what: "what the credential is", multiline: false, add)
            }
            if let url = secret.howToGetUrl, let problem = howToGetURLProblem(url) {
                add("\(path).howToGetUrl", problem)
            }
        }
    }

    /// The link is shown to users as "get your key here", so it must be a plain web page:
    /// never `javascript:` or `data:`, and no user name that could disguise the real host.
    private static func howToGetURLProblem(_ text: String) -> String? {
        let example = "an absolute http(s) URL like https://example.com/settings/tokens"
        if text.isEmpty { return "is empty; remove it or give \(example)" }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }),
            let components = URLComponents(string: text), let scheme = components.scheme?.lowercased()
        else {
            return "must be \(example)"
        }
        guard scheme == "http" || scheme == "https" else {
            return "must be \(example), not a \(scheme): link"
        }
        guard let host = components.host, !host.isEmpty else { return "must be \(example), with a host" }
        if components.user != nil || components.password != nil {
            return "must not contain a user name or password; give \(example)"
        }
        return nil
    }

    private static func checkDomains(_ domains: [String], _ add: (String, String) -> Void) {
        if domains.count > maxAllowedDomains {
            add("allowedDomains", "lists \(domains.count) domains; the limit is \(maxAllowedDomains) (use a wildcard like *.example.com)")
        }
        var firstIndexByDomain: [String: Int] = [:]
        for (index, domain) in domains.enumerated() {
            let path = "allowedDomains[\(index)]"
            if let problem = AllowedDomainRule.problem(with: domain) {
                add(path, problem)
            } else if let first = firstIndexByDomain[domain] {
                add(path, "\"\(domain)\" is listed twice (first at allowedDomains[\(first)])")
            } else {
                firstIndexByDomain[domain] = index
            }
        }
    }

    // MARK: text

    /// The first problem `checkText` finds, or nil: for text checked before it becomes part of a spec.
    public static func textProblem(_ text: String, limit: Int, what: String, multiline: Bool) -> String? {
        var first: String?
        checkText(text, at: "", limit: limit, what: what, multiline: multiline) { _, message in first = first ?? message }
        return first
    }

    static func checkText(
        _ text: String, at path: String, limit: Int, what: String, multiline: Bool, _ add: (String, String) -> Void
    ) {
        // Scalars first: cheap, and they stop one "character" carrying thousands of combining marks (which spill
        // over whatever shows them, and make counting characters slow) before characters are counted.
        let scalars = text.unicodeScalars.count
        if scalars > limit * 4 {
            add(path, "is \(scalars) Unicode code points long; the limit is \(limit) characters")
        } else if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(path, "is empty; write \(what)")
        } else if text.count > limit {
            add(path, "is \(text.count) characters long; the limit is \(limit)")
        }
        if let bidi = bidiControl(in: text) {
            add(path, bidi)
        }
        if let control = TextCheck.controlCharacter(in: text, multiline: multiline) {
            add(path, TextCheck.controlMessage(control))
        }
    }

    /// Why `text` may not hold Unicode's text-direction controls, or nil. They make text display in another order
    /// than it is stored, so a name, a description or code read on a page can differ from what runs
    /// ("Trojan Source", CVE-2021-42574).
    public static func bidiControl(in text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: DisplayName.isBidiControl) else { return nil }
        return "contains an invisible text-direction character (\(TextCheck.name(scalar))), which makes text show in another order than it is; remove it"
            + " (in code, write it as an escape such as \\u\(String(scalar.value, radix: 16).leftPadded(to: 4)))"
    }

    /// Whole-string match of `first` then up to 63 `rest` characters: the shape every
    /// identifier rule here shares. Checked by hand because ICU's `$` also matches before
    /// a trailing newline.
    private static func matches(
        _ text: String, first: (Unicode.Scalar) -> Bool, rest: (Unicode.Scalar) -> Bool
    ) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let head = scalars.first, first(head), scalars.count <= 64 else { return false }
        return scalars.dropFirst().allSatisfy(rest)
    }

    private static func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func isLowerOrDigit(_ scalar: Unicode.Scalar) -> Bool { isLower(scalar) || isDigit(scalar) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
