import Core
import Foundation

extension TemplateListing.Query {
    static let invalidSort = APIError(.badRequest, "invalid_sort", "sort must be one of: trending, top, newest.")
    static let invalidCategory = APIError(.badRequest, "invalid_category",
                                          "category must be one of: " + TemplateCategory.allCases.map(\.rawValue).joined(separator: ", ") + ".")

    /// The listing a query string asks for; empty parameters count as absent (a GET form
    /// sends `category=` for "all categories").
    init(sort: String?, category: String?, q: String?, cursor: String?, scope: TemplateListing.Scope = .everyone) throws {
        self.init()
        self.scope = scope
        if let sort = sort.nonEmpty {
            guard let parsed = TemplateSort(rawValue: sort) else { throw Self.invalidSort }
            self.sort = parsed
        }
        if let category = category.nonEmpty {
            guard let parsed = TemplateCategory(rawValue: category) else { throw Self.invalidCategory }
            self.category = parsed
        }
        search = TemplateSearchQuery(String((q ?? "").prefix(200)))
        if let cursor = cursor.nonEmpty {
            self.cursor = try TemplateCursor(text: cursor, sort: self.sort)
        }
    }
}

private extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
