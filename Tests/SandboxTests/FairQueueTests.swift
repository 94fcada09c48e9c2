import Testing
@testable import Sandbox

/// The waiting line's turns when a taker prefers some calls (a worker holding their realms).
@Suite("Fair queue preferences")
struct FairQueueTests {
    static func queue(_ calls: [(workspace: String, server: String)]) -> FairQueue<String> {
        var queue = FairQueue<String>()
        for (id, call) in calls.enumerated() {
            queue.append("\(call.workspace)/\(call.server)#\(id)", id: id, workspace: call.workspace, server: call.server)
        }
        return queue
    }

    @Test func aPreferredServerIsTakenOnlyWithinTheWorkspaceWhoseTurnItIs() {
        // given: A's two servers, then B's
        var queue = Self.queue([("a", "a1"), ("a", "a2"), ("b", "b1")])

        // when: the taker prefers b1 and a2
        let first = queue.popNext(lookahead: 16, maxPasses: 8) { $0.hasPrefix("b/b1") || $0.hasPrefix("a/a2") }
        let second = queue.popNext(lookahead: 16, maxPasses: 8) { $0.hasPrefix("b/b1") }
        let third = queue.popNext()

        // then: A's turn went to a2, B's turn came next as it would have, a1 kept its place
        #expect([first, second, third] == ["a/a2#1", "b/b1#2", "a/a1#0"])
        #expect(queue.isEmpty)
    }

    @Test func theServerFirstInLineIsPassedOverAtMostMaxPassesTimes() {
        // given: one workspace, the cold server first, then ten servers the taker prefers
        var queue = Self.queue([("w", "cold")] + (0..<10).map { ("w", "warm\($0)") })

        // when
        var order: [String] = []
        while let next = queue.popNext(lookahead: 16, maxPasses: 3, preferring: { $0.contains("warm") }) {
            order.append(next)
        }

        // then: three warm servers went first, then the cold one, then the rest in turn
        #expect(order.firstIndex(of: "w/cold#0") == 3)
        #expect(order.filter { $0.contains("warm") } == (0..<10).map { "w/warm\($0)#\($0 + 1)" })
    }

    @Test func onlyTheNextLookaheadServersAreLookedAt() {
        // given: the preferred server is fifth in line
        var queue = Self.queue([("w", "s0"), ("w", "s1"), ("w", "s2"), ("w", "s3"), ("w", "wanted")])

        // when
        let near = queue.popNext(lookahead: 4, maxPasses: 8) { $0.contains("wanted") }

        // then
        #expect(near == "w/s0#0")
    }
}
