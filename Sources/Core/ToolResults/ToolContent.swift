import Foundation

/// The MCP content items tool code builds with `ctx.content.*`. The sandbox runtime
/// only shapes them; the host checks them here, so a worker cannot hand a client an
/// item that breaks its parser.
public enum ToolContent {
    /// Media types are `type/subtype` in RFC 6838's restricted-name characters, with no parameters.
    static func isMediaType(_ text: String, topLevel: String) -> Bool {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == topLevel, let first = parts[1].first, first.isLetter || first.isNumber,
              parts[1].count <= 127 else { return false }
        return parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$&-^_.+".contains($0)) }
    }

    /// The items of a rich result, each checked. The runtime has already turned the
    /// plain values of a mixed array into text items, so anything else is refused.
    public static func items(_ values: [JSONValue]) -> Result<[JSONValue], SpecProblem> {
        for (index, value) in values.enumerated() {
            guard case .object(let fields) = value else {
                return .failure(SpecProblem(path: "[\(index)]", message: "is not a content item; build items with ctx.content.text, image, audio or resourceLink"))
            }
            if let problem = problem(in: fields) { return .failure(SpecProblem(path: "[\(index)]", message: problem)) }
        }
        return .success(values)
    }

    /// The content as plain text for the playground, which shows no media: text items as
    /// they are, other items as a bracketed line saying what they are.
    public static func plainText(_ items: [JSONValue]) -> String {
        items.map { item in
            switch item["type"]?.stringValue {
            case "text":
                return item["text"]?.stringValue ?? ""
            case let kind? where kind == "image" || kind == "audio":
                let bytes = (item["data"]?.stringValue).flatMap { Data(base64Encoded: $0)?.count } ?? 0
                return "[\(kind): \(item["mimeType"]?.stringValue ?? "?"), \(bytes) bytes]"
            case "resource_link":
                return "[link: \(item["name"]?.stringValue ?? "") \(item["uri"]?.stringValue ?? "")]"
            default:
                return item.compactText
            }
        }.joined(separator: "\n")
    }

    private static func problem(in item: [String: JSONValue]) -> String? {
        switch item["type"]?.stringValue {
        case "text":
            return item["text"]?.stringValue == nil ? "ctx.content.text(text) needs a string" : nil
        case let kind? where kind == "image" || kind == "audio":
            let call = "ctx.content.\(kind)(base64, mimeType)"
            guard let data = item["data"]?.stringValue else { return "\(call) needs the data as a base64 string" }
            if let problem = Base64Text.problem(data) { return "\(call): the data \(problem)" }
            guard let mimeType = item["mimeType"]?.stringValue, isMediaType(mimeType, topLevel: kind) else {
                let got = item["mimeType"].map { " (got \($0.compactJSON))" } ?? ""
                return "\(call) needs a mimeType like \(kind == "image" ? "\"image/png\"" : "\"audio/wav\"")\(got)"
            }
            return nil
        case "resource_link":
            if let uri = item["uri"]?.stringValue, let scheme = URLComponents(string: uri)?.scheme?.lowercased(), scriptSchemes.contains(scheme) {
                return "ctx.content.resourceLink: a \(scheme): link is not allowed (a client that shows it as a link would run or render it); link to an https:// address"
            }
            guard let uri = item["uri"]?.stringValue, isAbsoluteURI(uri) else {
                return "ctx.content.resourceLink(uri, name) needs an absolute URI like https://example.com/report.pdf (got \(item["uri"]?.compactJSON ?? "nothing"))"
            }
            guard let name = item["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                return "ctx.content.resourceLink(uri, name) needs a non-empty name"
            }
            if let mimeType = item["mimeType"], !(mimeType.stringValue.map { $0.contains("/") } ?? false) {
                return "ctx.content.resourceLink: mimeType must be a media type like \"application/pdf\""
            }
            return nil
        default:
            return "\(item["type"]?.compactJSON ?? "an item") is not a content type; build items with ctx.content.text, image, audio or resourceLink"
        }
    }

    /// Schemes whose links run code or render a page of the tool's making where a client shows them: never
    /// passed on to a client (SECURITY.md 8: links are http(s)). Other schemes stay open to resource links
    /// (`file:`, `github:` and the like name resources, they do not run anything).
    static let scriptSchemes: Set<String> = ["javascript", "vbscript", "data"]

    private static func isAbsoluteURI(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }),
              let scheme = URLComponents(string: text)?.scheme else { return false }
        return !scheme.isEmpty
    }
}
