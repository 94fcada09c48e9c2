/// Where to continue after signing in (`next=`): a path on this site only, so a
/// crafted link cannot send a person elsewhere (SECURITY.md 40).
public enum LocalRedirect {
    /// `candidate` when it is a plain local path, else `fallback`.
    public static func target(_ candidate: String?, fallback: String) -> String {
        guard let candidate, isLocalPath(candidate) else { return fallback }
        return candidate
    }

    /// Starts with one `/` (not `//` or `/\`, which browsers read as another host) and
    /// holds no whitespace or control character that could split a header or hide a host.
    public static func isLocalPath(_ candidate: String) -> Bool {
        guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\") else { return false }
        return !candidate.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }
}
