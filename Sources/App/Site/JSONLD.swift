/// schema.org documents for search engines, written for a
/// `<script type="application/ld+json">` block. A small writer instead of
/// JSONSerialization: it keeps key order as written and costs a fraction of the
/// time, which matters when exporting thousands of docs pages.
indirect enum JSONLD {
    case string(String)
    case integer(Int)
    case number(String)
    case array([JSONLD])
    case object(KeyValuePairs<String, JSONLD>)
    case fields([(String, JSONLD)])

    static func document(_ type: String, _ fields: KeyValuePairs<String, JSONLD>) -> JSONLD {
        .fields([("@context", .string("https://schema.org")), ("@type", .string(type))] + fields.map { ($0.key, $0.value) })
    }

    static func breadcrumbs(_ items: [(name: String, url: String)]) -> String {
        document("BreadcrumbList", [
            "itemListElement": .array(items.enumerated().map { index, item in
                .object(["@type": .string("ListItem"), "position": .integer(index + 1), "name": .string(item.name), "item": .string(item.url)])
            }),
        ]).serialized
    }

    /// JSON text that cannot end the surrounding script element early.
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let text): JSONStringLiteral.append(text, to: &out)
        case .integer(let value): out += String(value)
        case .number(let text): out += text
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let pairs): Self.writeObject(pairs.map { ($0.key, $0.value) }, to: &out)
        case .fields(let pairs): Self.writeObject(pairs, to: &out)
        }
    }

    private static func writeObject(_ pairs: [(String, JSONLD)], to out: inout String) {
        out += "{"
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out += "," }
            JSONStringLiteral.append(pair.0, to: &out)
            out += ":"
            pair.1.write(to: &out)
        }
        out += "}"
    }
}
