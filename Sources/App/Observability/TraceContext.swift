import Core
import Foundation

/// A W3C Trace Context `traceparent` (version 00): the trace a request belongs to and
/// the span that sent it. A request without a valid header starts a fresh trace, as the
/// specification tells a receiver that cannot parse it to do.
struct TraceContext: Sendable, Equatable {
    static let headerName = "traceparent"

    /// 32 lowercase hex digits, not all zero.
    let traceID: String
    /// 16 lowercase hex digits, not all zero: the caller's span, or ours for a fresh trace.
    let parentID: String
    /// `01` when the caller sampled the trace.
    let flags: String

    /// Parses `00-<trace-id>-<parent-id>-<flags>`. Later versions may append fields after
    /// the flags; their first four fields are read the same way. Anything else is nil.
    init?(traceparent header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        let fields = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 4, Self.isHex(fields[0], count: 2), fields[0] != "ff",
              Self.isHex(fields[1], count: 32), Self.isHex(fields[2], count: 16), Self.isHex(fields[3], count: 2),
              fields[1] != String(repeating: "0", count: 32), fields[2] != String(repeating: "0", count: 16)
        else { return nil }
        // Version 00 has exactly four fields; a future version may carry more.
        if fields[0] == "00" && fields.count != 4 { return nil }
        traceID = fields[1]
        parentID = fields[2]
        flags = fields[3]
    }

    init(traceID: String, parentID: String, flags: String) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// A new trace rooted here, not sampled.
    static func fresh() -> TraceContext {
        TraceContext(traceID: randomHex(bytes: 16), parentID: randomHex(bytes: 8), flags: "00")
    }

    /// The header for an outgoing request made inside this trace: the same trace id and
    /// flags, with a new span id of its own.
    func childTraceparent() -> String {
        // Version 00 defines only the sampled bit; a later version's other bits are not ours to pass on.
        let sampled = (UInt8(flags, radix: 16) ?? 0) & 1 == 1
        return "00-\(traceID)-\(Self.randomHex(bytes: 8))-\(sampled ? "01" : "00")"
    }

    private static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Never all zero: a random 64- or 128-bit value is zero with negligible odds, and a
    /// zero one is redrawn. Drawn a 64-bit word at a time: each draw is a `getrandom` system call, and a
    /// byte at a time made 24 of them per request.
    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var values = [UInt8]()
        values.reserveCapacity(bytes + 7)
        while true {
            values.removeAll(keepingCapacity: true)
            while values.count < bytes {
                withUnsafeBytes(of: generator.next() as UInt64) { values.append(contentsOf: $0) }
            }
            values.removeLast(values.count - bytes)
            if values.contains(where: { $0 != 0 }) {
                return Hex.encode(values)
            }
        }
    }
}
