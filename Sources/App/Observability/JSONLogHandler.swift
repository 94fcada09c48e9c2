import Foundation
import Logging

/// `BMM_LOG_FORMAT=json`: one JSON object per line — `time` (ISO 8601 UTC with
/// milliseconds), `level`, `message`, then the metadata flattened into keys
/// (`request_id`, `route`, `status`, `duration_ms`, `workspace_id`, `trace_id`, …).
struct JSONLogHandler: LogHandler {
    let sink: LogSink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(sink: LogSink = .standardOutput, level: Logger.Level, metadata: Logger.Metadata = [:]) {
        self.sink = sink
        logLevel = level
        self.metadata = metadata
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "{\"time\":\"\(Self.timestamp(Date()))\",\"level\":\"\(event.level.rawValue)\",\"message\":"
        JSONStringLiteral.append(event.message.description, to: &line)
        for key in merged.keys.sorted() where !Self.fixedKeys.contains(Self.key(key)) {
            line += ","
            JSONStringLiteral.append(Self.key(key), to: &line)
            line += ":"
            Self.appendValue(merged[key]!, to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    private static let fixedKeys: Set<String> = ["time", "level", "message"]

    /// Vapor names its request id `request-id`; every key here is snake_case.
    private static func key(_ key: String) -> String {
        key.replacingOccurrences(of: "-", with: "_")
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): JSONStringLiteral.append(text, to: &line)
        case .stringConvertible(let convertible):
            // Numbers stay numbers, so `duration_ms` and `status` can be compared without parsing.
            if let number = convertible as? any BinaryInteger { line += "\(number)" }
            else if let number = convertible as? Double, number.isFinite { line += "\(number)" }
            else { JSONStringLiteral.append(convertible.description, to: &line) }
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                appendValue(element, to: &line)
            }
            line += "]"
        case .dictionary(let values):
            line += "{"
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                JSONStringLiteral.append(key, to: &line)
                line += ":"
                appendValue(values[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// `2026-12-02T11:33:43.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }
}

/// Where JSON log lines go: standard output, or a test's capture.
struct LogSink: Sendable {
    let write: @Sendable (String) -> Void

    /// One `write` per line, so lines from concurrent requests never interleave.
    static let standardOutput = LogSink { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }
}

/// `bmm`'s way to make JSON log handlers for `LoggingSystem.bootstrap`.
public enum JSONLogLines {
    public static func handler(level: Logger.Level) -> any LogHandler {
        JSONLogHandler(sink: .standardOutput, level: level)
    }
}
