import Foundation
import Vapor

/// Vapor's answers to a body that cannot be decoded, said for people: an empty body is
/// 400 `bad_request` (Vapor says 422 with no reason, but no content is not well-formed
/// content), and a decoding error names the field and what it must be instead of quoting
/// Swift's decoder ("Expected to decode Dictionary<String, Any> but found…").
enum BodyDecodingError {
    static func explain(_ error: any Error, for request: Request) -> APIError? {
        let empty = (request.body.data?.readableBytes ?? 0) == 0
        // Vapor says 422 for an empty JSON body and 415 for no Content-Type at all; with no body either way, the
        // body is what is missing.
        if let abort = error as? Abort, [.unprocessableEntity, .unsupportedMediaType].contains(abort.status), empty {
            return APIError(.badRequest, "bad_request", "The request has no body. Send a JSON object with Content-Type: application/json.")
        }
        if let abort = error as? Abort, abort.status == .payloadTooLarge {
            return tooLarge(request)
        }
        guard let decoding = error as? DecodingError else { return nil }
        let json = request.headers.contentType == .json
        // (A body in another type than JSON never reaches an API handler: `APIContractMiddleware` answers it 415.)
        let message: String
        switch decoding {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Foundation reports a number that does not fit its field (3.7 for a whole number)
            // here too, without a path: only a body that does not parse is "not valid JSON".
            if json, let data = request.body.data, let parsed = try? JSONSerialization.jsonObject(with: Data(buffer: data), options: [.fragmentsAllowed]) {
                // Foundation does not say which field; the number that no whole-number field could take is the likely one.
                if let path = Self.firstNonWholeNumber(in: parsed) {
                    message = "`\(path)` must be a whole number."
                } else {
                    message = "A value in the body is not of the kind its field takes (a fraction where a whole number belongs, say)."
                }
            } else {
                message = json ? "The body is not valid JSON." : "The form could not be read."
            }
        case .dataCorrupted(let context):
            message = "\(field(context.codingPath)) has a value it cannot take."
        case .typeMismatch(let type, let context):
            message = context.codingPath.isEmpty ? "The body must be \(kind(type))." : "\(field(context.codingPath)) must be \(kind(type))."
        case .keyNotFound(let key, let context):
            message = "\(field(context.codingPath + [key])) is required."
        case .valueNotFound(let type, let context):
            message = context.codingPath.isEmpty ? "The body must be \(kind(type)), not null." : "\(field(context.codingPath)) must be \(kind(type)), not null."
        @unknown default:
            message = json ? "The body is not valid JSON for this request." : "The form could not be read."
        }
        return APIError(.badRequest, "bad_request", message)
    }

    /// Vapor's bare "Payload Too Large", with the limit of the route it was sent to. The body was never read, so a form
    /// cannot be shown back; the browser's Back button still holds what was typed.
    private static func tooLarge(_ request: Request) -> APIError {
        let limit = Route.bodyLimit(of: request)
        let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MB" : "\(limit >> 10) KB"
        let message = request.isBrowserForm
            ? "Nothing was changed: this form is larger than this page takes (\(size), counted as the browser sends it, "
                + "where a character other than a plain letter or digit takes 3 to 12 bytes). Go back to it (your browser keeps what you "
                + "typed) and shorten its longest field."
            : "The body is larger than this endpoint takes (\(size)). Nothing was changed."
        return APIError(.payloadTooLarge, "payload_too_large", message)
    }

    /// The path of the first number that is not a whole number a field could hold (a fraction, or beyond 64 bits).
    static func firstNonWholeNumber(in value: Any, path: String = "") -> String? {
        switch value {
        case let number as NSNumber:  // true and false read as 1 and 0: whole, so never named
            let double = number.doubleValue
            let whole = double.rounded() == double && abs(double) < 9.2e18
            return whole ? nil : (path.isEmpty ? nil : path)
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstNonWholeNumber(in: object[key]!, path: path.isEmpty ? key : path + "." + key) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, item) in array.enumerated() {
                if let found = firstNonWholeNumber(in: item, path: path + "[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// `tools[0].name`, quoted as code.
    private static func field(_ path: [any CodingKey]) -> String {
        "`\(Self.path(path))`"
    }

    /// `tools[0].name`: a decoding path as the docs and validation messages write it.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue) }
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
