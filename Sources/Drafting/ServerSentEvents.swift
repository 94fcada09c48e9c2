/// One dispatched server-sent event.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field; nil means the default type, "message".
    public var event: String?
    /// Every `data:` line of the event, joined by `\n`.
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental `text/event-stream` parser.
///
/// Network chunks end anywhere, including inside a multi-byte UTF-8 character, so
/// bytes are buffered and only complete lines are decoded.
public struct ServerSentEventParser: Sendable {
    private var pending: [UInt8] = []
    /// `pending` holds at most one incomplete line; its bytes were already searched for a line break.
    private var searched = 0
    /// A chunk ended in CR: a LF at the start of the next chunk belongs to the same line break.
    private var skipLeadingLineFeed = false
    private var atStreamStart = true
    private var eventName: String?
    private var eventID: String?
    private var dataLines: [String] = []

    public init() {}

    /// Feeds bytes and returns the events they complete, in order.
    public mutating func consume(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        pending.append(contentsOf: bytes)
        var events: [ServerSentEvent] = []
        var lineStart = 0
        var index = searched
        while index < pending.count {
            let byte = pending[index]
            if skipLeadingLineFeed, index == lineStart, byte == .lineFeed {
                skipLeadingLineFeed = false
                index += 1
                lineStart = index
                continue
            }
            skipLeadingLineFeed = false
            if byte == .lineFeed || byte == .carriageReturn {
                if let event = processLine(pending[lineStart..<index]) { events.append(event) }
                if byte == .carriageReturn {
                    if index + 1 < pending.count {
                        if pending[index + 1] == .lineFeed { index += 1 }
                    } else {
                        skipLeadingLineFeed = true
                    }
                }
                index += 1
                lineStart = index
            } else {
                index += 1
            }
        }
        pending.removeFirst(lineStart)
        searched = pending.count
        return events
    }

    /// Ends the stream. Servers sometimes close right after their last `data:` line without
    /// the blank line that dispatches it; that event is delivered rather than lost.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !pending.isEmpty, let event = processLine(pending[...]) { events.append(event) }
        pending.removeAll()
        searched = 0
        if let event = dispatch() { events.append(event) }
        return events
    }

    private mutating func processLine(_ bytes: ArraySlice<UInt8>) -> ServerSentEvent? {
        var line = bytes
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line.first == .colon { return nil }

        let field: String
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: .colon) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            value = line[line.index(after: colon)...]
            if value.first == .space { value = value.dropFirst() }
        } else {
            field = String(decoding: line, as: UTF8.self)
            value = []
        }
        let text = String(decoding: value, as: UTF8.self)
        switch field {
        case "event": eventName = text
        case "data": dataLines.append(text)
        case "id" where !text.contains("\0"): eventID = text
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventName = nil
            dataLines = []
        }
        guard !dataLines.isEmpty else { return nil }
        return ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"), id: eventID)
    }
}

extension UInt8 {
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let space = UInt8(ascii: " ")
}
