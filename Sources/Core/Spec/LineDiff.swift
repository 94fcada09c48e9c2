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

    public static func diff(_ old: String, _ new: String) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // lengths[i][j] = LCS length of a[i...] and b[j...]; specs are small, so O(n·m) is fine.
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var lines: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append(Line(kind: .same, text: a[i])); i += 1; j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                lines.append(Line(kind: .added, text: b[j])); j += 1
            } else {
                lines.append(Line(kind: .removed, text: a[i])); i += 1
            }
        }
        return lines
    }
}
