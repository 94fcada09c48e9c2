import Foundation

/// How values appear inside validation messages: short, unambiguous, never a wall of JSON.
extension JSONValue {
    /// Compact JSON with sorted keys, as a person would type it.
    var compactJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.messageText
        case .string, .array, .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(self) else { return "?" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Like `compactJSON`, but plain strings without quotes ("one of: open, closed"),
    /// and cut short so one huge value cannot swamp a message.
    var messageText: String {
        let text: String
        if case .string(let string) = self, !string.isEmpty, !string.contains(","),
            string.trimmingCharacters(in: .whitespacesAndNewlines) == string
        {
            text = string
        } else {
            text = compactJSON
        }
        return text.count > 60 ? "\(text.prefix(59))…" : text
    }

    /// "integer" reads oddly in "got integer"; people think of both as numbers.
    var typeNameForMessage: String {
        typeName == "integer" ? "number" : typeName
    }
}

extension Double {
    /// `3` rather than `3.0`; fractions as Swift prints them.
    var messageText: String {
        isWholeNumberInJSONRange ? String(Int64(self)) : String(self)
    }
}
