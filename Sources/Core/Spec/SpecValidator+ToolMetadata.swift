import Foundation

/// The optional MCP metadata of a tool: title, annotations, output schema and icons.
extension SpecValidator {
    public static let maxIcons = 8
    public static let maxIconDataURIBytes = 64 * 1024
    /// The formats MCP clients must support (PNG, JPEG) or should (SVG, WebP).
    public static let iconMimeTypes = ["image/png", "image/jpeg", "image/svg+xml", "image/webp"]

    static func checkMetadata(_ tool: ToolSpec, at path: String, patterns: PatternCache, _ add: (String, String) -> Void) {
        if let title = tool.title {
            checkText(title, at: "\(path).title", limit: maxNameLength, what: "a short human-readable name, or remove it", multiline: false, add)
        }
        if let annotations = tool.annotations, annotations.readOnlyHint == true, annotations.destructiveHint == true {
            add("\(path).annotations.destructiveHint", "is true but readOnlyHint is true; a read-only tool cannot be destructive")
        }
        if let schema = tool.outputSchema {
            checkOutputSchema(schema, at: "\(path).outputSchema", patterns: patterns, add)
        }
        if let icons = tool.icons {
            if icons.count > maxIcons { add("\(path).icons", "lists \(icons.count) icons; the limit is \(maxIcons)") }
            for (index, icon) in icons.enumerated() { checkIcon(icon, at: "\(path).icons[\(index)]", add) }
        }
    }

    /// MCP 2025 clients read `structuredContent` as an object, so the schema describing it
    /// must be one too.
    private static func checkOutputSchema(_ schema: JSONValue, at path: String, patterns: PatternCache, _ add: (String, String) -> Void) {
        guard case .object(let members) = schema else {
            add(path, "must be a JSON Schema object, got \(schema.typeNameForMessage); start from {\"type\": \"object\", \"properties\": {…}} or remove it")
            return
        }
        if members["type"] != .string("object") {
            let got = members["type"].map { ", got \($0.compactJSON)" } ?? " (it is missing)"
            add("\(path).type", "must be \"object\": MCP results are described by an object schema\(got)")
        }
        for problem in JSONSchema.problems(inSchema: schema, at: path, patterns: patterns) where problem.path != "\(path).type" || members["type"] == .string("object") {
            add(problem.path, problem.message)
        }
        checkSchemaText(schema, at: path, add)
    }

    private static func checkIcon(_ icon: ToolIcon, at path: String, _ add: (String, String) -> Void) {
        let declared = icon.mimeType?.lowercased()
        if let declared, !iconMimeTypes.contains(declared) {
            add("\(path).mimeType", "\"\(declared)\" is not an icon type clients show; use one of \(iconMimeTypes.joined(separator: ", "))")
        }
        if icon.src.lowercased().hasPrefix("data:") {
            checkDataURI(icon.src, declared: declared, at: "\(path).src", add)
        } else if let problem = iconURLProblem(icon.src) {
            add("\(path).src", problem)
        }
        for (index, size) in (icon.sizes ?? []).enumerated() where !isIconSize(size) {
            add("\(path).sizes[\(index)]", "\"\(size)\" must be WIDTHxHEIGHT in pixels, like \"48x48\", or \"any\" for a scalable icon")
        }
        if let theme = icon.theme, theme != "light", theme != "dark" {
            add("\(path).theme", "\"\(theme)\" must be \"light\" or \"dark\"")
        }
    }

    private static func iconURLProblem(_ text: String) -> String? {
        let example = "an https URL like https://example.com/icon.png or a data:image/png;base64,… URI"
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "must be \(example)"
        }
        guard scheme == "https" else { return "must be \(example), not a \(scheme): link (clients fetch icons only over https)" }
        guard let host = components.host, !host.isEmpty else { return "must be \(example), with a host" }
        if components.user != nil || components.password != nil { return "must not contain a user name or password" }
        return nil
    }

    private static func checkDataURI(_ text: String, declared: String?, at path: String, _ add: (String, String) -> Void) {
        let bytes = text.utf8.count
        if bytes > maxIconDataURIBytes {
            add(path, "is a data: URI of \(bytes) bytes; the limit is \(maxIconDataURIBytes) (64 KiB): host larger icons over https")
            return
        }
        let body = text.dropFirst(5)
        guard let comma = body.firstIndex(of: ","), body[..<comma].lowercased().hasSuffix(";base64") else {
            add(path, "must be a base64 data: URI, like data:image/png;base64,iVBORw0KGgo…")
            return
        }
        let type = String(body[..<comma].dropLast(7)).lowercased()
        if !iconMimeTypes.contains(type) {
            add(path, "has media type \"\(type)\"; use one of \(iconMimeTypes.joined(separator: ", "))")
        } else if let declared, declared != type {
            add(path, "has media type \"\(type)\" but mimeType says \"\(declared)\"")
        }
        if let problem = Base64Text.problem(String(body[body.index(after: comma)...])) {
            add(path, "carries data that \(problem)")
        }
    }

    private static func isIconSize(_ size: String) -> Bool {
        if size == "any" { return true }
        let parts = size.split(separator: "x", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            (1...4).contains(part.count) && part.first != "0" && part.allSatisfy { ("0"..."9").contains($0) }
        }
    }
}
