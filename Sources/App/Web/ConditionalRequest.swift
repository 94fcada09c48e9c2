import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// A GET's preconditions (RFC 9110 §13): whether the copy the client holds is still current.
struct ConditionalRequest: Equatable {
    /// The entity tags of `If-None-Match` (`*` kept as is); nil when the header is absent.
    let ifNoneMatch: [String]?
    /// `If-Modified-Since`; nil when absent, not a valid date, or sent more than once (§13.1.3).
    let ifModifiedSince: Date?

    init(ifNoneMatch: [String]?, ifModifiedSince: Date?) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
    }

    init(_ headers: HTTPHeaders) {
        ifNoneMatch = Self.tags("If-None-Match", headers)
        ifModifiedSince = Self.singleDate("If-Modified-Since", headers)
    }

    /// A date header sent once; a field with more than one member is ignored (RFC 9110 §13.1.3, §13.1.4).
    static func singleDate(_ name: String, _ headers: HTTPHeaders) -> Date? {
        let values = headers[name]
        guard values.count == 1 else { return nil }
        return HTTPDate.date(values[0])
    }

    /// §13.1.4: without `If-Match`, a GET whose representation changed after `If-Unmodified-Since` is refused.
    static func isModified(since headers: HTTPHeaders, lastModified: Date?) -> Bool {
        guard !headers.contains(name: "If-Match"), let since = singleDate("If-Unmodified-Since", headers), let lastModified else { return false }
        return HTTPDate.truncated(lastModified) > since
    }

    /// True when the response the server would send is the one the client has. `If-None-Match`
    /// decides alone when present (a client that sends both trusts the tag over the date); tags
    /// compare weakly, as a GET allows, so `W/"a"` matches `"a"`.
    func isNotModified(eTag: String?, lastModified: Date?) -> Bool {
        if let ifNoneMatch {
            if ifNoneMatch.contains("*") { return true }
            guard let eTag else { return false }
            return ifNoneMatch.contains { Self.opaque($0) == Self.opaque(eTag) }
        }
        guard let ifModifiedSince, let lastModified else { return false }
        return HTTPDate.truncated(lastModified) <= ifModifiedSince
    }

    /// The entity tags of `If-Match` (`*` kept as is); nil when the header is absent.
    static func ifMatch(_ headers: HTTPHeaders) -> [String]? {
        tags("If-Match", headers)
    }

    /// The entity tags of `If-None-Match` (`*` kept as is); nil when the header is absent.
    static func ifNoneMatch(_ headers: HTTPHeaders) -> [String]? {
        tags("If-None-Match", headers)
    }

    private static func tags(_ name: String, _ headers: HTTPHeaders) -> [String]? {
        guard headers.contains(name: name) else { return nil }
        return headers[canonicalForm: name].map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// RFC 9110 §8.8.3.2's strong comparison: both tags strong and the same; a weak tag matches nothing.
    static func matchesStrongly(_ tags: [String], eTag: String?) -> Bool {
        guard let eTag, !eTag.hasPrefix("W/") else { return false }
        return tags.contains { !$0.hasPrefix("W/") && $0 == eTag }
    }

    /// A weak entity tag from a hash of `body`: weak because the same tag names the body sent
    /// as is and sent gzip-compressed, which are not byte-for-byte the same.
    static func weakETag(for body: ByteBuffer) -> String {
        let digest = body.withUnsafeReadableBytes { SHA256.hash(data: $0) }
        return weakETag(hash: digest.prefix(16).map { String(format: "%02x", $0) }.joined())
    }

    static func weakETag(hash: String) -> String {
        "W/\"\(hash)\""
    }

    private static func opaque(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }
}
