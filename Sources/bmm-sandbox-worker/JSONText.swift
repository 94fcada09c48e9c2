/// JSON text for the few strings the worker writes itself (log lines, messages); values
/// produced by tools are serialised by JavaScriptCore.
func jsonQuoted(_ text: String) -> String {
    var out = "\""
    out.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
    return out
}

func jsonArray(_ items: [String]) -> String {
    "[" + items.map(jsonQuoted).joined(separator: ",") + "]"
}

/// `json` with each escaped lone surrogate (`\ud800` without its pair) written as U+FFFD's escape instead.
/// JavaScript strings may hold lone surrogates and JavaScriptCore's JSON.stringify escapes them, but JSON
/// readers refuse such text (RFC 8259 §8.2 leaves it undefined), the parent's included: a tool returning
/// `{"k\ud800": 1}` would otherwise end as a broken frame. A lone surrogate in a top-level string is
/// replaced the same way when Swift copies it out.
func withLoneSurrogatesReplaced(_ json: String) -> String {
    var bytes = Array(json.utf8)
    // Fast path: nearly every frame holds no surrogate escape at all.
    guard bytes.indices.dropLast(2).contains(where: { bytes[$0] == UInt8(ascii: "\\") && bytes[$0 + 1] == UInt8(ascii: "u")
        && (bytes[$0 + 2] | 0x20) == UInt8(ascii: "d") }) else { return json }
    func surrogate(at index: Int) -> UInt16? {
        guard index + 5 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
              let value = UInt16(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
              (0xD800...0xDFFF).contains(value) else { return nil }
        return value
    }
    let replacement = Array("\\ufffd".utf8)
    var index = 0
    while index < bytes.count {
        guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
            index += 1
            continue
        }
        guard bytes[index + 1] == UInt8(ascii: "u"), let unit = surrogate(at: index) else {
            index += 2  // any other escape, `\\` included, is two bytes
            continue
        }
        if unit < 0xDC00, let low = surrogate(at: index + 6), low >= 0xDC00 {
            index += 12  // a whole pair
        } else {
            bytes.replaceSubrange(index..<(index + 6), with: replacement)
            index += 6
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
