@testable import App
import Testing

@Suite("traceparent: W3C Trace Context version 00")
struct TraceContextTests {
    @Test("a valid header is read field by field")
    func valid() throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.parentID == "00f067aa0ba902b7")
        #expect(trace.flags == "01")
    }

    @Test("malformed headers are ignored", arguments: [
        "", "00", "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // short parent id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // short flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has four fields
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is invalid
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ])
    func invalid(header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test("a later version's first four fields are read")
    func laterVersion() throws {
        let trace = try #require(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-more"))
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        // only the sampled bit is passed on
        #expect(trace.childTraceparent().hasSuffix("-01"))
        #expect(trace.childTraceparent().hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
    }

    @Test("a child header keeps the trace id and flags and gets a new span id")
    func child() throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        let child = try #require(TraceContext(traceparent: trace.childTraceparent()))
        #expect(child.traceID == trace.traceID)
        #expect(child.parentID != trace.parentID)
        #expect(child.flags == "00")
    }

    @Test("a fresh trace is valid and new each time")
    func fresh() throws {
        let one = TraceContext.fresh(), two = TraceContext.fresh()
        #expect(TraceContext(traceparent: "00-\(one.traceID)-\(one.parentID)-\(one.flags)") == one)
        #expect(one.traceID != two.traceID)
    }
}
