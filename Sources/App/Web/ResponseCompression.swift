import Precompression
import Vapor

extension HTTPHeaders {
    /// The text the app answers with, gzip-compressed on the way out to a client that accepts it.
    /// Listed one by one rather than as `text/*`, which would take in `text/event-stream`: the build
    /// log, the call log and MCP's streamed replies send small frames the client needs at once.
    static let compressedTextTypes: Set<String> = [
        "text/html", "text/css", "text/javascript", "application/javascript", "text/plain", "application/json",
        "application/manifest+json", "application/problem+json", "application/xml", "text/xml", "application/atom+xml",
        "image/svg+xml",
    ]

    /// Whether `Content-Type` is one of `compressedTextTypes`, parameters aside (`text/html; charset=utf-8`
    /// matches). Read from the raw header: parsing it into an `HTTPMediaType`, twice per response, was a
    /// measurable share of a hosted tool call's CPU.
    var hasCompressedTextType: Bool {
        guard let value = first(name: .contentType) else { return false }
        let essence = value.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        return Self.compressedTextTypes.contains(essence)
    }
}

/// gzip for text answers whose whole body is at hand, when the client accepts gzip. Not the
/// compressor Vapor's server can install (swift-nio-extras'): that one answers deflate to the
/// `Accept-Encoding: gzip, deflate, br` every browser sends, and works on event streams too, where
/// each open stream would hold a zlib state (about 256 KB) for minutes. Streamed bodies pass as they are.
struct TextCompressionMiddleware: AsyncMiddleware {
    /// Below this a gzip header and trailer cost about what compression saves.
    static let minimumBytes = 512
    /// zlib's default: most of level 9's savings at a fraction of its time, paid per request.
    static let level: Int32 = 6

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        guard response.headers.hasCompressedTextType else { return response }
        response.headers.addVary("Accept-Encoding")
        guard Self.acceptsGzip(request.headers[canonicalForm: "Accept-Encoding"]),
              response.headers.first(name: .contentEncoding) == nil,
              let body = response.body.buffer, body.readableBytes >= Self.minimumBytes else { return response }
        let compressed = try body.withUnsafeReadableBytes { try Precompression.gzip($0, level: Self.level) }
        response.headers.replaceOrAdd(name: .contentEncoding, value: "gzip")
        response.body = .init(buffer: ByteBuffer(bytes: compressed))
        return response
    }

    /// `gzip` (or `x-gzip`, or `*` without gzip refused) with a non-zero quality.
    static func acceptsGzip(_ codings: [Substring]) -> Bool {
        var gzip: Double?
        var any: Double?
        for coding in codings {
            let parts = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if name == "gzip" || name == "x-gzip" { gzip = quality } else if name == "*" { any = quality }
        }
        return (gzip ?? any ?? 0) > 0
    }
}
