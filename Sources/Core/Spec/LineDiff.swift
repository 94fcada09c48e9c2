/// A line diff (longest common subsequence), for showing what an iteration or a
/// version changes in a spec's JSON.
public enum LineDiff {
    public enum Kind: String, Sendable, Codable {
        case same, added, removed
    }

    public struct Line: Sendable, Hashable, Codable {
        public var kind: Kind
        public var text: String
    }

    /// Cells of the LCS table a diff may fill: 4 million, 8 MB and some milliseconds. The table grows with the
    /// product of the changed region's line counts, and a spec is the user's own input (schema arrays, code
    /// with many lines), so beyond this the changed region is shown as removed and then added in one block.
    public static let tableLimit = 4_000_000

    public static func diff(_ old: String, _ new: String) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Lines the two share at either end are unchanged whatever lies between.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }

        var lines = a[..<prefix].map { Line(kind: .same, text: $0) }
        let oldMiddle = a[prefix..<(a.count - suffix)], newMiddle = b[prefix..<(b.count - suffix)]
        if oldMiddle.count * newMiddle.count <= tableLimit {
            lines += common(Array(oldMiddle), Array(newMiddle))
        } else {
            lines += oldMiddle.map { Line(kind: .removed, text: $0) } + newMiddle.map { Line(kind: .added, text: $0) }
        }
        lines += a[(a.count - suffix)...].map { Line(kind: .same, text: $0) }
        return lines
    }

    /// The LCS diff of `a` and `b`, whose table fits `tableLimit`.
    private static func common(_ a: [String], _ b: [String]) -> [Line] {
        // Lines compared as numbers: equal lines share one.
        var ids: [String: Int32] = [:]
        let x = a.map { line in ids[line] ?? { ids[line] = Int32(ids.count); return Int32(ids.count - 1) }() }
        let y = b.map { line in ids[line] ?? { ids[line] = Int32(ids.count); return Int32(ids.count - 1) }() }
        // length(i, j) = LCS length of x[i...] and y[j...], in one flat table of (n+1)·(m+1) cells. Lengths fit
        // UInt16: within the limit the shorter side has at most 2,000 lines.
        let width = y.count + 1
        var table = [UInt16](repeating: 0, count: (x.count + 1) * width)
        func length(_ i: Int, _ j: Int) -> UInt16 { table[i * width + j] }
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                table[i * width + j] = x[i] == y[j] ? length(i + 1, j + 1) + 1 : max(length(i + 1, j), length(i, j + 1))
            }
        }
        var lines: [Line] = []
        lines.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] {
                lines.append(Line(kind: .same, text: a[i])); i += 1; j += 1
            } else if j < y.count, i == x.count || length(i, j + 1) >= length(i + 1, j) {
                lines.append(Line(kind: .added, text: b[j])); j += 1
            } else {
                lines.append(Line(kind: .removed, text: a[i])); i += 1
            }
        }
        return lines
    }
}
