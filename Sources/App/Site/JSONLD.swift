import Foundation

/// schema.org documents for search engines, serialized for a
/// `<script type="application/ld+json">` block.
enum JSONLD {
    /// Serializes `object` so it cannot end the surrounding script element early.
    static func encode(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    static func breadcrumbs(_ items: [(name: String, url: String)]) -> String {
        encode([
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": items.enumerated().map { index, item in
                ["@type": "ListItem", "position": index + 1, "name": item.name, "item": item.url] as [String: Any]
            },
        ])
    }
}
