import Foundation

/// Just enough HTML reading for structural page checks: tags with attributes,
/// element text, and entity decoding. Pages are our own well-formed output.
struct HTMLInspector {
    let html: String

    struct Tag {
        let name: String
        let attributes: [String: String]
    }

    func tags(_ name: String) -> [Tag] {
        var result: [Tag] = []
        let pattern = try! NSRegularExpression(pattern: "<\(name)\\b([^>]*)>", options: [.caseInsensitive])
        let attributePattern = try! NSRegularExpression(pattern: "([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\\s*=\\s*\"([^\"]*)\")?")
        let ns = html as NSString
        for match in pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let attributeText = ns.substring(with: match.range(at: 1))
            let attrNS = attributeText as NSString
            var attributes: [String: String] = [:]
            for attribute in attributePattern.matches(in: attributeText, range: NSRange(location: 0, length: attrNS.length)) {
                let key = attrNS.substring(with: attribute.range(at: 1)).lowercased()
                let value = attribute.range(at: 2).location != NSNotFound ? attrNS.substring(with: attribute.range(at: 2)) : ""
                attributes[key] = Self.decode(value)
            }
            result.append(Tag(name: name, attributes: attributes))
        }
        return result
    }

    /// Text inside every `<name …>…</name>` element, tags stripped.
    func texts(_ name: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<\(name)\\b[^>]*>(.*?)</\(name)>", options: [.caseInsensitive, .dotMatchesLineSeparators])
        let ns = html as NSString
        return pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { match in
            let inner = ns.substring(with: match.range(at: 1))
            let stripped = inner.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            return Self.decode(stripped).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    var title: String? { texts("title").first }

    func meta(name: String) -> String? {
        tags("meta").first { $0.attributes["name"] == name }?.attributes["content"]
    }

    func meta(property: String) -> String? {
        tags("meta").first { $0.attributes["property"] == property }?.attributes["content"]
    }

    var canonical: String? {
        tags("link").first { $0.attributes["rel"] == "canonical" }?.attributes["href"]
    }

    var language: String? { tags("html").first?.attributes["lang"] }

    var h1Count: Int { tags("h1").count }

    /// Every link target and resource URL on the page.
    var references: [String] {
        tags("a").compactMap { $0.attributes["href"] }
            + tags("link").compactMap { $0.attributes["href"] }
            + tags("script").compactMap { $0.attributes["src"] }
            + tags("img").compactMap { $0.attributes["src"] }
    }

    /// JSON-LD blocks, parsed.
    var jsonLD: [[String: Any]] {
        let pattern = try! NSRegularExpression(pattern: "<script type=\"application/ld\\+json\">(.*?)</script>", options: [.dotMatchesLineSeparators])
        let ns = html as NSString
        return pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            let json = ns.substring(with: match.range(at: 1))
            return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        }
    }

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
