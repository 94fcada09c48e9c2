import Vapor

/// What browsers and shared caches need to reuse a response: a validator on every response
/// a shared cache may store, `304 Not Modified` when the client's copy is current, and
/// `Vary: Accept-Encoding` wherever the server may compress (on the 304 too).
///
/// Public pages, site files and assets set their own `ETag` (hashed once, when cached) and
/// `Last-Modified` (when the site's files were loaded); any other `Cache-Control: public`
/// response gets a weak `ETag` hashed from its body here. Signed-in pages are `no-store` and
/// get no validator.
///
/// `If-Match` (RFC 9110 §13.1.1) compares strongly, and every tag here is weak: only `*`
/// can match. A read that names a tag gets 412 instead of the page; a change is checked by
/// `refuseUnmatchedChange` once its route's guards have passed, because preconditions are
/// ignored where the answer without them would not have been a success (§13.2.1): a stranger
/// gets 401, an unknown path 404, and only a change that would run is refused.
struct HTTPCachingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let isRead = request.method == .GET || request.method == .HEAD
        let required = Self.requiredTags(request)
        let response = try await next.respond(to: request)
        if response.headers.hasCompressedTextType {
            response.headers.addVary("Accept-Encoding")
        }
        guard isRead, response.status == .ok else { return response }
        if response.headers.first(name: .eTag) == nil, response.isStorableBySharedCaches, let body = response.body.buffer {
            response.headers.replaceOrAdd(name: .eTag, value: ConditionalRequest.weakETag(for: body))
        }
        if let required, !ConditionalRequest.matchesStrongly(required, eTag: response.headers.first(name: .eTag)) {
            throw Self.preconditionFailed
        }
        if ConditionalRequest.isModified(since: request.headers, lastModified: response.headers.first(name: .lastModified).flatMap { HTTPDate.date($0) }) {
            throw Self.modifiedSince
        }
        let condition = ConditionalRequest(request.headers)
        guard condition.isNotModified(eTag: response.headers.first(name: .eTag), lastModified: response.headers.first(name: .lastModified).flatMap { HTTPDate.date($0) }) else {
            return response
        }
        return response.notModified()
    }
}

extension HTTPCachingMiddleware {
    /// The tags a request requires; `*` (any representation) requires nothing here.
    static func requiredTags(_ request: Request) -> [String]? {
        ConditionalRequest.ifMatch(request.headers).flatMap { $0.contains("*") ? nil : $0 }
    }

    /// A change (`POST`, `PUT`, `PATCH`, `DELETE`) that names a tag is refused with 412 before it
    /// runs, so a client guarding against lost updates never overwrites blindly. Called by every route
    /// just before its handler, after its middlewares (sign-in, CSRF, rate limits) have answered.
    static func refuseUnmatchedChange(_ request: Request) throws {
        guard request.method != .GET, request.method != .HEAD else { return }
        if requiredTags(request) != nil { throw preconditionFailed }
        // `If-None-Match: *` asks for the change only where nothing exists yet (§13.1.2); here the
        // target exists (the route answered). Listed tags never match: no change target has a tag.
        if ConditionalRequest.ifNoneMatch(request.headers)?.contains("*") == true { throw noneMatchFailed }
    }

    static let preconditionFailed = APIError(.preconditionFailed, "precondition_failed",
                                             "If-Match names an entity tag this resource does not have; send the request without it (or with If-Match: *).")
    static let noneMatchFailed = APIError(.preconditionFailed, "precondition_failed",
                                          "If-None-Match: * asks for the change only where nothing exists yet, and this resource exists.")
    static let modifiedSince = APIError(.preconditionFailed, "precondition_failed",
                                        "The resource changed after the If-Unmodified-Since date; fetch it again without it.")
}

extension Response {
    /// `Cache-Control: public`: what the public site, its assets and public templates answer with.
    var isStorableBySharedCaches: Bool {
        headers[canonicalForm: "Cache-Control"].contains { $0.lowercased() == "public" }
    }

    /// The 304 for this response: its caching headers, no body and nothing describing one.
    func notModified() -> Response {
        var kept = headers
        for name in [HTTPHeaders.Name.contentType, .contentLength, .contentEncoding, .transferEncoding] {
            kept.remove(name: name)
        }
        return Response(status: .notModified, version: version, headersNoUpdate: kept, body: .empty)
    }
}

extension HTTPHeaders {
    mutating func addVary(_ name: String) {
        let present = self[canonicalForm: "Vary"].map { $0.lowercased() }
        guard !present.contains(name.lowercased()) && !present.contains("*") else { return }
        add(name: .vary, value: name)
    }
}
