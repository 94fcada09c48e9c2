import Foundation

/// Scans a tool implementation before it is built. It refuses what would let code escape
/// the sandbox or compile strings into code, text aimed at the model, and credentials
/// written into the code. The sandbox lacks most of these capabilities anyway; the scanner
/// turns a confusing run-time failure into a clear message at build time.
public enum CodeScanner {
    /// Secret values shorter than this are not searched for: they would match ordinary text.
    public static let minimumSecretValueLength = 6

    /// Findings in order of line, one per rule and line.
    public static func findings(in implementation: String, secretValues: [String] = []) -> [CodeFinding] {
        let source = JavaScriptSource(implementation)
        let codeLines = LineIndex(source.codeOnly)
        let literalLines = LineIndex(source.withoutComments)
        let rawLines = LineIndex(implementation)
        var findings: [CodeFinding] = []

        func add(_ kind: CodeFindingKind, _ line: Int, _ message: String) {
            let finding = CodeFinding(kind: kind, line: line, message: "line \(line): \(message)")
            if !findings.contains(finding) { findings.append(finding) }
        }

        for rule in CodeRule.all {
            let (text, lines) = rule.view == .code ? (source.codeOnly, codeLines) : (source.withoutComments, literalLines)
            for match in rule.regex.matches(in: text) {
                add(rule.kind, lines.line(atUTF16Offset: match.utf16Offset), rule.message)
            }
        }
        for hit in PromptInjection.hits(in: implementation) {
            add(
                .promptInjection, rawLines.line(atUTF16Offset: hit.utf16Offset),
                "contains text aimed at the model (\"\(hit.phrase)\"); tool code must not carry instructions for the model"
            )
        }
        for secret in SecretScanner.findings(in: implementation) {
            add(
                .leakedSecret, secret.line,
                "contains what looks like \(secret.phrase); declare it in requiredSecrets and read it with ctx.secrets"
            )
        }
        for line in secretValueLines(in: implementation, values: secretValues, lines: rawLines) {
            add(
                .leakedSecretValue, line,
                "contains the value of a secret you entered; read it with ctx.secrets instead of writing it into the code"
            )
        }
        let order = Dictionary(uniqueKeysWithValues: CodeFindingKind.allCases.enumerated().map { ($1, $0) })
        return findings.sorted { ($0.line, order[$0.kind]!) < ($1.line, order[$1.kind]!) }
    }

    /// Lines on which any of `values` occurs literally.
    static func secretValueLines(in text: String, values: [String], lines: LineIndex) -> [Int] {
        var found: Set<Int> = []
        for value in Set(values) where value.count >= minimumSecretValueLength {
            var searchStart = text.startIndex
            while let range = text.range(of: value, range: searchStart..<text.endIndex) {
                found.insert(lines.line(atUTF16Offset: text.utf16.distance(from: text.startIndex, to: range.lowerBound)))
                searchStart = range.upperBound
            }
        }
        return found.sorted()
    }
}
