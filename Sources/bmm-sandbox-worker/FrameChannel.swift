import Glibc

/// Length-prefixed JSON frames on stdin/stdout: a 4-byte big-endian length, then that
/// many bytes of UTF-8 JSON. The parent is the only peer; the protocol is described in
/// Sources/Sandbox/WorkerProtocol.swift.
struct FrameChannel {
    /// Fetch bodies arrive JSON-escaped (up to six bytes per byte), so the cap is
    /// generous; anything larger means parent and worker disagree, and the worker quits.
    static let maxFrameBytes = 256 << 20

    let input: Int32 = 0
    let output: Int32 = 1

    /// The next frame, NUL-terminated so JavaScriptCore can read it as a C string;
    /// nil when the parent closed the channel.
    func readFrame() -> [UInt8]? {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(into: &header, count: 4) else { return nil }
        let length = header.reduce(0) { ($0 << 8) | Int($1) }
        guard length <= Self.maxFrameBytes else {
            fatalProtocolError("frame of \(length) bytes exceeds the cap")
        }
        var payload = [UInt8](repeating: 0, count: length + 1)
        guard readExactly(into: &payload, count: length) else { return nil }
        return payload
    }

    /// Whether the parent has written something not yet read (a zero-timeout poll).
    func hasInput() -> Bool {
        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    func writeFrame(_ json: String) {
        var bytes = Array(withLoneSurrogatesReplaced(json).utf8)
        let length = bytes.count
        bytes.insert(contentsOf: [
            UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
        ], at: 0)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(output, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                // The parent is gone or closed the channel: nobody wants the answer.
                guard written > 0 else { exit(0) }
                offset += written
            }
        }
    }

    private func readExactly(into buffer: inout [UInt8], count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let received = buffer.withUnsafeMutableBytes { raw in
                read(input, raw.baseAddress! + offset, count - offset)
            }
            if received < 0 && errno == EINTR { continue }
            guard received > 0 else { return false }
            offset += received
        }
        return true
    }
}

func fatalProtocolError(_ reason: String) -> Never {
    exitWorker("protocol error: \(reason)", code: 3)
}

/// The worker cannot go on: says why on stderr (the pool logs it and starts a
/// replacement) and exits without a crash report.
func exitWorker(_ reason: String, code: Int32) -> Never {
    let line = "bmm-sandbox-worker: \(reason)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(code)
}
