/// Where the worker cuts a text the tool hands back before the parent sees it, so that a frame stays small: it
/// keeps what fits and ends the text with "…". The redactor needs to know, because a secret spelling the cut went
/// through reaches the parent only in part. The worker (`CallLimits` in bmm-sandbox-worker, and `ctx.progress` in
/// its runtime.js) uses the same sizes; the secrets tests fail if they part.
enum WorkerTextCut {
    /// A thrown error's message: 8 KiB of UTF-8.
    case message
    /// One `ctx.log` line: 4 KiB of UTF-8.
    case logLine
    /// A progress report's message: 500 UTF-16 code units, as JavaScript counts a string's length.
    case progressMessage

    static let marker = "…"

    /// Whether `text` is as long as a cut text is: a text that merely ends with "…" is left alone.
    func wasCut(_ text: String) -> Bool {
        guard text.hasSuffix(Self.marker) else { return false }
        switch self {
        // A cut keeps whole characters of up to 4 bytes and adds the 3-byte marker.
        case .message: return text.utf8.count > 8192 - 4 - 3
        case .logLine: return text.utf8.count > 4096 - 4 - 3
        case .progressMessage: return text.utf16.count >= 500
        }
    }
}
