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
}
