/// Builds the locations used in `SpecProblem.path`: `tools[0].inputSchema.properties.city`,
/// `items[2].name`, or `""` for the root. Keys that are not plain identifiers are
/// written in brackets (`headers["user-agent"]`) so a path can always be read back.
enum JSONPath {
    static func member(_ base: String, _ key: String) -> String {
        if isIdentifier(key) {
            return base.isEmpty ? key : "\(base).\(key)"
        }
        return "\(base)[\(JSONValue.string(key).compactJSON)]"
    }

    static func index(_ base: String, _ index: Int) -> String {
        "\(base)[\(index)]"
    }

    /// `child` written relative to `base`, for messages that already name `base`.
    static func relative(_ child: String, to base: String) -> String {
        guard !base.isEmpty, child.hasPrefix(base) else { return child }
        let rest = child.dropFirst(base.count)
        return rest.first == "." ? String(rest.dropFirst()) : String(rest)
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, isIdentifierStart(first) else { return false }
        return key.unicodeScalars.allSatisfy { isIdentifierStart($0) || ("0"..."9").contains($0) }
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == "$"
    }
}
