import Core
import Testing

@Suite struct LineDiffTests {
    @Test func marksAddedRemovedAndUnchangedLinesInOrder() {
        // given
        let old = "a\nb\nc\nd"
        let new = "a\nc\nd\ne"
        // when
        let lines = LineDiff.diff(old, new)
        // then
        #expect(lines.map(\.kind) == [.same, .removed, .same, .same, .added])
        #expect(lines.filter { $0.kind != .removed }.map(\.text) == ["a", "c", "d", "e"])
        #expect(lines.filter { $0.kind != .added }.map(\.text) == ["a", "b", "c", "d"])
    }

    @Test func identicalTextHasNoChanges() {
        #expect(LineDiff.diff("x\ny", "x\ny").allSatisfy { $0.kind == .same })
        #expect(LineDiff.diff("", "new").map(\.kind) == [.added, .removed])
    }

    @Test func keepsAsManyLinesAsTheLongestCommonSubsequenceAndRebuildsBothSides() {
        var generator = SeededLines(seed: 7)
        for _ in 0..<200 {
            let old = generator.lines(count: Int.random(in: 0...12, using: &generator)).joined(separator: "\n")
            let new = generator.lines(count: Int.random(in: 0...12, using: &generator)).joined(separator: "\n")
            let lines = LineDiff.diff(old, new)
            #expect(lines.filter { $0.kind != .added }.map(\.text).joined(separator: "\n") == old)
            #expect(lines.filter { $0.kind != .removed }.map(\.text).joined(separator: "\n") == new)
            #expect(lines.filter { $0.kind == .same }.count == Self.lcs(old, new), "\(old.debugDescription) → \(new.debugDescription)")
        }
    }

    @Test func oneChangedLineInALongTextIsOneRemovedAndOneAddedLine() {
        let old = (0..<100_000).map { "line \($0)" }
        var new = old
        new[50_000] = "changed"
        let lines = LineDiff.diff(old.joined(separator: "\n"), new.joined(separator: "\n"))
        #expect(lines.count == 100_001)
        #expect(lines.filter { $0.kind == .removed }.map(\.text) == ["line 50000"])
        #expect(lines.filter { $0.kind == .added }.map(\.text) == ["changed"])
    }

    @Test func aChangedRegionBeyondTheTableLimitIsRemovedThenAddedWhole() {
        // 3,002 × 3,002 changed lines would need 9 million cells, where quadratic memory let one spec take the host's;
        // a longest common subsequence would keep about 2,000 of the lines between the changed first and last ones.
        let old = ["first"] + (0..<3_000).map { "\($0 % 2)," } + ["last"]
        let new = ["First"] + (0..<3_000).map { "\($0 % 3)," } + ["Last"]
        let lines = LineDiff.diff(old.joined(separator: "\n"), new.joined(separator: "\n"))
        #expect(lines.count == 6_004)
        #expect(lines.prefix(3_002).allSatisfy { $0.kind == .removed } && lines.suffix(3_002).allSatisfy { $0.kind == .added })
        #expect(lines.filter { $0.kind != .added }.map(\.text) == old)
        #expect(lines.filter { $0.kind != .removed }.map(\.text) == new)
    }

    /// The longest common subsequence's length by the textbook recurrence.
    private static func lcs(_ old: String, _ new: String) -> Int {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false), b = new.split(separator: "\n", omittingEmptySubsequences: false)
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 1...a.count { for j in 1...b.count {
            table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : max(table[i - 1][j], table[i][j - 1])
        } }
        return table[a.count][b.count]
    }
}

/// Short lines from a three-letter alphabet, so random texts share many of them; seeded, so a failure repeats.
private struct SeededLines: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
    mutating func lines(count: Int) -> [String] {
        (0..<count).map { _ in ["a", "b", "c", ""].randomElement(using: &self)! }
    }
}
