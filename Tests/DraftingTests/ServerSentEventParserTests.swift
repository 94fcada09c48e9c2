import Drafting
import Testing

@Suite struct ServerSentEventParserTests {
    @Test func readsEventNamesAndDataWithLineFeeds() {
        // given
        var parser = ServerSentEventParser()

        // when
        let events = parser.consume(Array("event: ping\ndata: {\"type\":\"ping\"}\n\ndata: second\n\n".utf8))

        // then
        #expect(events == [ServerSentEvent(event: "ping", data: #"{"type":"ping"}"#), ServerSentEvent(data: "second")])
    }

    @Test func readsCarriageReturnLineFeedsEvenWhenSplitBetweenChunks() {
        // given
        var parser = ServerSentEventParser()

        // when
        let first = parser.consume(Array("event: a\r\ndata: 1\r".utf8))
        let second = parser.consume(Array("\n\r\ndata: 2\r\rdata: 3\n\n".utf8))

        // then
        #expect(first.isEmpty)
        #expect(
            second == [ServerSentEvent(event: "a", data: "1"), ServerSentEvent(data: "2"), ServerSentEvent(data: "3")])
    }

    @Test func joinsMultiLineDataWithLineFeeds() {
        // given
        var parser = ServerSentEventParser()

        // when
        let events = parser.consume(Array("data: first\ndata:second\ndata:  third\n\n".utf8))

        // then
        #expect(events == [ServerSentEvent(data: "first\nsecond\n third")])
    }

    @Test func skipsCommentsAndUnknownFieldsAndEmptyEvents() {
        // given
        var parser = ServerSentEventParser()

        // when
        let events = parser.consume(Array(": keep-alive\n\nretry: 100\nfoo: bar\n\n: comment\nid: 7\ndata: x\n\n".utf8))

        // then
        #expect(events == [ServerSentEvent(data: "x", id: "7")])
    }

    @Test func decodesCharactersSplitAcrossChunks() {
        // given
        var parser = ServerSentEventParser()
        let bytes = Array("data: Zürich 🌤\n\n".utf8)

        // when fed one byte at a time, every multi-byte character arrives in pieces
        let events = bytes.flatMap { parser.consume([$0]) }

        // then
        #expect(events == [ServerSentEvent(data: "Zürich 🌤")])
    }

    @Test func holdsAnIncompleteLineUntilItEnds() {
        // given
        var parser = ServerSentEventParser()

        // when
        let partial = parser.consume(Array("data: {\"partial_js".utf8))
        let rest = parser.consume(Array("on\":\"x\"}\n\n".utf8))

        // then
        #expect(partial.isEmpty)
        #expect(rest == [ServerSentEvent(data: #"{"partial_json":"x"}"#)])
    }

    @Test func deliversALastEventThatLacksItsBlankLine() {
        // given
        var parser = ServerSentEventParser()
        let early = parser.consume(Array("data: [DONE]".utf8))

        // when
        let atEnd = parser.finish()

        // then
        #expect(early.isEmpty)
        #expect(atEnd == [ServerSentEvent(data: "[DONE]")])
    }

    @Test func ignoresAByteOrderMarkAtTheStart() {
        // given
        var parser = ServerSentEventParser()

        // when
        let events = parser.consume([0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8))

        // then
        #expect(events == [ServerSentEvent(data: "x")])
    }
}
