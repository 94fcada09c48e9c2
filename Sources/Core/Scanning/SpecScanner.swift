/// A finding in a spec: `path` names the field, `message` says what and why. For tool
/// code, `message` starts with the line inside the implementation.
public struct SpecFinding: Sendable, Hashable, Codable {
    public var path: String
    public var kind: CodeFindingKind
    public var message: String

    public init(path: String, kind: CodeFindingKind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }
}

/// Scans a whole spec before it is built or published: `CodeScanner` over every
/// implementation, prompt-injection text in everything the model reads (names, titles,
/// descriptions, every string and property name in input and output schemas), and
/// credentials in every string field, icon addresses included: all of it is public once
/// the server is published, and every fork copies it.
public enum SpecScanner {
    public static func findings(in spec: ServerSpec, secretValues: [String] = []) -> [SpecFinding] {
        var findings: [SpecFinding] = []
        func scan(_ text: String, at path: String, modelReadsIt: Bool) {
            findings += textFindings(text, at: path, modelReadsIt: modelReadsIt, secretValues: secretValues)
        }

        scan(spec.name, at: "name", modelReadsIt: true)
        scan(spec.slug, at: "slug", modelReadsIt: false)
        scan(spec.description, at: "description", modelReadsIt: true)
        for (index, tool) in spec.tools.enumerated() {
            let path = "tools[\(index)]"
            scan(tool.name, at: "\(path).name", modelReadsIt: true)
            if let title = tool.title { scan(title, at: "\(path).title", modelReadsIt: true) }
            scan(tool.description, at: "\(path).description", modelReadsIt: true)
            for (stringPath, text) in strings(in: tool.inputSchema, at: "\(path).inputSchema", depth: 0) {
                scan(text, at: stringPath, modelReadsIt: true)
            }
            if let outputSchema = tool.outputSchema {
                for (stringPath, text) in strings(in: outputSchema, at: "\(path).outputSchema", depth: 0) {
                    scan(text, at: stringPath, modelReadsIt: true)
                }
            }
            for (iconIndex, icon) in (tool.icons ?? []).enumerated() {
                scan(icon.src, at: "\(path).icons[\(iconIndex)].src", modelReadsIt: false)
            }
            findings += CodeScanner.findings(in: tool.implementation, secretValues: secretValues).map {
                SpecFinding(path: "\(path).implementation", kind: $0.kind, message: $0.message)
            }
        }
        for (index, secret) in spec.requiredSecrets.enumerated() {
            let path = "requiredSecrets[\(index)]"
            scan(secret.key, at: "\(path).key", modelReadsIt: false)
            scan(secret.description, at: "\(path).description", modelReadsIt: true)
            if let url = secret.howToGetUrl { scan(url, at: "\(path).howToGetUrl", modelReadsIt: false) }
        }
        for (index, domain) in spec.allowedDomains.enumerated() {
            scan(domain, at: "allowedDomains[\(index)]", modelReadsIt: false)
        }
        return findings
    }

    private static func textFindings(
        _ text: String, at path: String, modelReadsIt: Bool, secretValues: [String]
    ) -> [SpecFinding] {
        var findings: [SpecFinding] = []
        if modelReadsIt {
            for hit in PromptInjection.hits(in: text) {
                findings.append(
                    SpecFinding(
                        path: path, kind: .promptInjection,
                        message: "contains text aimed at the model (\"\(hit.phrase)\"); descriptions must describe the tool, not instruct the model"
                    )
                )
            }
        }
        for secret in SecretScanner.findings(in: text) {
            findings.append(
                SpecFinding(
                    path: path, kind: .leakedSecret,
                    message: "contains what looks like \(secret.phrase); "
                        + "declare credentials in requiredSecrets and enter their values separately"
                )
            )
        }
        if !CodeScanner.secretValueLines(in: text, values: secretValues, lines: LineIndex(text)).isEmpty {
            findings.append(
                SpecFinding(
                    path: path, kind: .leakedSecretValue,
                    message: "contains the value of a secret you entered; secret values never belong in the spec"
                )
            )
        }
        return findings
    }

    /// Every string value and property name in a schema with its path, as deep as schemas may nest: a name
    /// under `properties` is shown and read as much as a description.
    private static func strings(in value: JSONValue, at path: String, depth: Int) -> [(String, String)] {
        guard depth <= JSONSchema.maxDepth * 2 else { return [] }
        switch value {
        case .string(let text):
            return [(path, text)]
        case .array(let items):
            return items.enumerated().flatMap { strings(in: $1, at: JSONPath.index(path, $0), depth: depth + 1) }
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                let memberPath = JSONPath.member(path, key)
                return [(memberPath, key)] + strings(in: members[key]!, at: memberPath, depth: depth + 1)
            }
        case .null, .bool, .number:
            return []
        }
    }
}
