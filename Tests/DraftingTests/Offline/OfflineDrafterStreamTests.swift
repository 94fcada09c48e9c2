import Core
import Drafting
import Foundation
import Testing

@Suite struct OfflineDrafterStreamTests {
    @Test func streamYieldsTheSpecAsTextThenTheSameResultAsDraft() async throws {
        // given
        let request = OfflineDrafting.request("Slack messages and Linear issues")
        // when
        var texts: [String] = []
        var results: [DraftResult] = []
        for try await event in OfflineDrafting.drafter.stream(request) {
            switch event {
            case .text(let text):
                #expect(results.isEmpty)
                texts.append(text)
            case .spec(let result):
                results.append(result)
            }
        }
        let drafted = try await OfflineDrafting.drafter.draft(request)
        // then
        #expect(texts.count > 1)
        #expect(results == [drafted])
        let streamed = try JSONDecoder().decode(ServerSpec.self, from: Data(texts.joined().utf8))
        #expect(streamed == drafted.spec)
        #expect(texts.joined().hasPrefix("{\n"))
    }

    @Test func streamFailsWithTheDraftingError() async throws {
        // given
        let request = OfflineDrafting.request("weather", slug: "Not A Slug")
        // when
        var failure: (any Error)?
        do {
            for try await _ in OfflineDrafting.drafter.stream(request) {}
        } catch {
            failure = error
        }
        // then
        guard case .specInvalid? = failure as? DraftingError else {
            Issue.record("expected DraftingError.specInvalid, got \(String(describing: failure))")
            return
        }
    }
}
