import Core
import Foundation

/// The one JSON form of a spec the app stores and answers with: sorted keys, so
/// equal specs are equal bytes.
enum SpecJSON {
    static func encode(_ spec: ServerSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a value of plain strings, numbers and arrays cannot fail.
        return String(decoding: (try? encoder.encode(spec)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ServerSpec {
        try JSONDecoder().decode(ServerSpec.self, from: Data(text.utf8))
    }

    static func pretty(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
