import Core
import Foundation

/// Finds the spec in a model's free-text answer: a JSON object in a ```json fence, or bare
/// after a preamble ("Here is your server: {…}").
public enum SpecExtraction {
    /// The spec's JSON object as UTF-8 bytes, or nil when the text holds none.
    public static func specJSON(in text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        for start in fencedObjectStarts(in: bytes) {
            if let object = balancedObject(in: bytes, from: start), looksLikeSpec(object.json) {
                return object.json
            }
        }
        var index = 0
        while let start = bytes[index...].firstIndex(of: .openBrace) {
            // An unbalanced brace means the rest cannot hold a complete object either.
            guard let object = balancedObject(in: bytes, from: start) else { return nil }
            if looksLikeSpec(object.json) { return object.json }
            index = object.end
        }
        return nil
    }

    /// The spec in `text`, decoded but not yet validated.
    public static func spec(in text: String) throws(DraftingError) -> ServerSpec {
        guard let json = specJSON(in: text) else {
            throw .specInvalid("The model's answer did not contain a JSON spec.")
        }
        return try decodeSpec(json)
    }

    static func decodeSpec(_ json: [UInt8]) throws(DraftingError) -> ServerSpec {
        do {
            return try JSONDecoder().decode(ServerSpec.self, from: Data(json))
        } catch {
            throw .specInvalid("The model's answer was not a spec in the expected JSON form.")
        }
    }

    /// Where a JSON object opens right after a ``` fence line.
    private static func fencedObjectStarts(in bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var index = 0
        while let fence = firstFence(in: bytes, from: index) {
            var cursor = fence + 3
            while cursor < bytes.count, bytes[cursor] != .lineFeed { cursor += 1 }
            while cursor < bytes.count, bytes[cursor].isJSONWhitespace { cursor += 1 }
            if cursor < bytes.count, bytes[cursor] == .openBrace { starts.append(cursor) }
            index = fence + 3
        }
        return starts
    }

    private static func firstFence(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == .backtick, bytes[index + 1] == .backtick, bytes[index + 2] == .backtick {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The object that opens at `start`, up to its matching close brace, skipping braces in
    /// strings. Raw control characters inside strings (models often write real newlines in
    /// code) are escaped so the result is strict JSON.
    private static func balancedObject(in bytes: [UInt8], from start: Int) -> (json: [UInt8], end: Int)? {
        var json: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped {
                    escaped = false
                } else if byte == .backslash {
                    escaped = true
                } else if byte == .quote {
                    inString = false
                } else if byte < 0x20 {
                    json.append(contentsOf: escape(control: byte))
                    continue
                }
            } else if byte == .quote {
                inString = true
            } else if byte == .openBrace {
                depth += 1
            } else if byte == .closeBrace {
                depth -= 1
                if depth == 0 {
                    json.append(byte)
                    return (json, index)
                }
            }
            json.append(byte)
        }
        return nil
    }

    private static func escape(control byte: UInt8) -> [UInt8] {
        switch byte {
        case .lineFeed: return Array(#"\n"#.utf8)
        case .carriageReturn: return Array(#"\r"#.utf8)
        case .tab: return Array(#"\t"#.utf8)
        default:
            let hex = Array("0123456789abcdef".utf8)
            return Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }

    /// A JSON object with at least one of the spec's own fields, so `{braces}` in a preamble
    /// or an example argument object are passed over.
    private static func looksLikeSpec(_ json: [UInt8]) -> Bool {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(json)) else {
            return false
        }
        return object["tools"] != nil || object["slug"] != nil
    }
}

extension UInt8 {
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let backtick = UInt8(ascii: "`")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let tab = UInt8(ascii: "\t")

    fileprivate var isJSONWhitespace: Bool {
        self == .lineFeed || self == .carriageReturn || self == .tab || self == UInt8(ascii: " ")
    }
}
