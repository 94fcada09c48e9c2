import Foundation

/// An ICU regular expression compiled once and shared. `NSRegularExpression` is
/// immutable after creation and documented as safe to use from several threads,
/// which is what makes the unchecked conformance sound.
struct CompiledRegex: @unchecked Sendable {
    let source: String
    private let regex: NSRegularExpression

    init(_ source: String, caseInsensitive: Bool = false) throws {
        self.source = source
        regex = try NSRegularExpression(pattern: source, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// For patterns written in this module. Every one of them is compiled by the tests,
    /// so a typo fails there rather than in production.
    init(trusted source: String, caseInsensitive: Bool = false) {
        do {
            try self.init(source, caseInsensitive: caseInsensitive)
        } catch {
            preconditionFailure("built-in pattern does not compile: \(source)")
        }
    }

    struct Match {
        let range: Range<String.Index>
        /// UTF-16 offset of `range.lowerBound`, for `LineIndex`.
        let utf16Offset: Int
    }

    /// Every match; with `group`, the range of that capture group instead of the whole
    /// match, so boundary characters a pattern consumes stay out of the result.
    func matches(in text: String, group: Int = 0) -> [Match] {
        let whole = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: whole).compactMap { result in
            let found = result.range(at: group)
            guard found.location != NSNotFound, let range = Range(found, in: text) else { return nil }
            return Match(range: range, utf16Offset: found.location)
        }
    }

    func firstMatch(in text: String) -> Match? {
        let whole = NSRange(text.startIndex..., in: text)
        guard let result = regex.firstMatch(in: text, range: whole),
            let range = Range(result.range, in: text)
        else { return nil }
        return Match(range: range, utf16Offset: result.range.location)
    }

    /// Whether the pattern matches anywhere in `text`, giving up after `budget`: patterns
    /// from specs are written by strangers, and a catastrophic one must not hold a server
    /// thread. `nil` means the budget ran out before an answer.
    func search(in text: String, budget: Duration) -> Bool? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: budget)
        var found = false
        var timedOut = false
        let whole = NSRange(text.startIndex..., in: text)
        // `.reportProgress` makes ICU call back periodically during a long match, which is
        // the only way to stop one from the outside.
        regex.enumerateMatches(in: text, options: [.reportProgress], range: whole) { result, _, stop in
            if result != nil {
                found = true
                stop.pointee = true
            } else if clock.now >= deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        if found { return true }
        return timedOut ? nil : false
    }
}

/// Turns UTF-16 offsets (what `NSRegularExpression` reports) into 1-based line numbers.
struct LineIndex {
    private let lineStarts: [Int]

    init(_ text: String) {
        var starts = [0]
        var offset = 0
        for unit in text.utf16 {
            offset += 1
            if unit == 0x0A { starts.append(offset) }
        }
        lineStarts = starts
    }

    func line(atUTF16Offset offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
