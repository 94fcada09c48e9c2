import Vapor

extension HTTPMediaTypeSet {
    /// The text the app answers with, gzip-compressed on the way out to a client that accepts it.
    /// Listed one by one rather than as `text/*`, which would take in `text/event-stream`: the build
    /// log, the call log and MCP's streamed replies send small frames the client needs at once, and
    /// a compressor on an open stream would hold its zlib state (about 256 KB) for minutes per client.
    /// Without parameters, so `text/html; charset=utf-8` matches too.
    static let compressedText = HTTPMediaTypeSet(mediaTypes: [
        ("text", "html"),
        ("text", "css"),
        ("text", "javascript"),
        ("application", "javascript"),
        ("text", "plain"),
        ("application", "json"),
        ("application", "manifest+json"),
        ("application", "problem+json"),
        ("application", "xml"),
        ("text", "xml"),
        ("application", "atom+xml"),
        ("image", "svg+xml"),
    ].map { HTTPMediaType(type: $0, subType: $1) })
}

extension HTTPServer.Configuration.ResponseCompressionConfiguration {
    /// Compression by content type only (`compressedText`), with no per-route switch to get wrong.
    static var text: Self {
        .disabled(allowedTypes: .compressedText, allowRequestOverrides: false)
    }
}
