/// The numbered forms of a slug that is taken: `base`, `base-2`, `base-3`…, each cut to fit `maxLength`.
/// A long base's numbered forms are cut, so they do not all start with `base`: whoever looks for the taken
/// ones asks for these exact slugs (``candidates(_:_:maxLength:)``), never for slugs that start with `base`.
public enum NumberedSlug {
    /// The `n`th form of `base` (1 is `base` itself), at most `maxLength` characters, never with a dash
    /// before the number's own.
    public static func candidate(_ base: String, _ n: Int, maxLength: Int) -> String {
        guard n > 1 else { return base }
        let suffix = "-\(n)"
        var stem = String(base.prefix(maxLength - suffix.count))
        while stem.hasSuffix("-") { stem.removeLast() }
        return stem + suffix
    }

    /// The forms numbered `range`, in order: a database query asks which of them are taken.
    public static func candidates(_ base: String, _ range: Range<Int>, maxLength: Int) -> [String] {
        range.map { candidate(base, $0, maxLength: maxLength) }
    }

    /// The first form for `base` that `isTaken` refuses, asking `taken` for a batch of forms at a time.
    public static func firstFree(
        _ base: String, maxLength: Int, batch: Int = 100, taken: ([String]) async throws -> Set<String>
    ) async rethrows -> String {
        var first = 1
        while true {
            let forms = candidates(base, first..<first + batch, maxLength: maxLength)
            let used = try await taken(forms)
            if let free = forms.first(where: { !used.contains($0) }) { return free }
            first += batch
        }
    }
}
