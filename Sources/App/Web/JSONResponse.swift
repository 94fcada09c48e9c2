import Foundation
import Vapor

/// How the API writes JSON: keys sorted (corelibs Foundation has no stable order
/// otherwise, and identical answers must be identical bytes, e.g. the
/// enumeration-safe sign-in responses), slashes unescaped, dates in ISO 8601.
/// Configured here for this app rather than in Vapor's process-wide
/// `ContentConfiguration.global`, so two apps in one process cannot disagree.
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension Request {
    /// `value` as a JSON response written by the app's encoder.
    func json(_ value: some Encodable, status: HTTPStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try APIJSON.encoder().encode(value)))
    }
}
