import Core
import Foundation

/// Where the next page of a listing starts: the last row's sort value and id (keyset
/// pagination, so templates published meanwhile neither repeat nor skip a row), plus the
/// moment trending scores were computed for, so every page of one walk ranks by the same
/// ages. Opaque to clients: base64url of a small JSON object.
struct TemplateCursor: Codable, Equatable, Sendable {
    let sort: TemplateSort
    /// The last row's sort value (its score, or its creation time for `newest`).
    let value: Double
    let id: UUID
    /// Seconds since 1970 the ages were measured at.
    let at: Double

    enum CodingKeys: String, CodingKey {
        case sort = "s", value = "v", id = "i", at = "t"
    }

    static let invalid = APIError(.badRequest, "invalid_cursor", "The cursor is not one this listing handed out; start from the first page.")

    var text: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor in `text`, which must belong to a listing in `sort` order.
    init(text: String, sort: TemplateSort) throws {
        guard text.count <= 512 else { throw Self.invalid }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
              let cursor = try? JSONDecoder().decode(TemplateCursor.self, from: data),
              cursor.sort == sort, cursor.value.isFinite, cursor.at.isFinite
        else { throw Self.invalid }
        self = cursor
    }

    init(sort: TemplateSort, value: Double, id: UUID, at: Double) {
        self.sort = sort
        self.value = value
        self.id = id
        self.at = at
    }
}
