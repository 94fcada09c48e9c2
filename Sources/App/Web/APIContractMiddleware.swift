import Vapor

/// What every `/v1` request and answer share, whichever handler serves them:
/// - a body is JSON (`application/json` or a `+json` type): a form, multipart or untyped body is 415
///   `unsupported_media_type`, as the API's docs and OpenAPI document say, where Vapor's content
///   decoding would read any type it has a decoder for;
/// - an answer to a signed-in caller (session or token) is never stored by a cache (SECURITY.md 7):
///   `no-store` unless its handler chose a `Cache-Control` of its own.
struct APIContractMiddleware: AsyncMiddleware {
    static let notJSON = APIError(.unsupportedMediaType, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard SiteRoute.isAPI(path: request.url.path) else { return try await next.respond(to: request) }
        // A body without a type is not JSON either (Vapor would say it "can't decode data without a content type").
        if Self.hasBody(request), !(request.headers.contentType.map(Self.isJSON) ?? false) {
            throw Self.notJSON
        }
        let response = try await next.respond(to: request)
        if request.currentUser != nil, !response.headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }

    static func isJSON(_ type: HTTPMediaType) -> Bool {
        type.type.lowercased() == "application" && (type.subType.lowercased() == "json" || type.subType.lowercased().hasSuffix("+json"))
    }

    /// Said by the headers, before the body is read: a length above zero, or chunks.
    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init) { return length > 0 }
        return request.headers.contains(name: .transferEncoding)
    }
}
