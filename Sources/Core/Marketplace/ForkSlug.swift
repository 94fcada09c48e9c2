/// The slug a fork gets by default: the template's, or with the first free `-2`, `-3`…
/// suffix when the workspace already has a server by that name.
public enum ForkSlug {
    public static let maxLength = 64

    public static func unique(_ base: String, taken: Set<String>) -> String {
        guard taken.contains(base) else { return base }
        var number = 2
        while true {
            let suffix = "-\(number)"
            // Trimmed so the suffix always fits, and never leaves a trailing hyphen before it.
            var stem = String(base.prefix(maxLength - suffix.count))
            while stem.hasSuffix("-") { stem.removeLast() }
            let candidate = stem + suffix
            if !taken.contains(candidate) { return candidate }
            number += 1
        }
    }
}
