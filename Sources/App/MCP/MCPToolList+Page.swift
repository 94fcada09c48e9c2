import Core
import Foundation

/// `tools/list` pages of at most `pageSize` tools. The cursor names the last tool of the
/// previous page, so it stays valid and skips nothing while the list is in name order,
/// even across a new build; it is opaque to clients (base64url).
extension MCPToolList {
    static let pageSize = 100

    init(tools: [Tool]) {
        self.tools = tools
    }

    struct Page: Sendable {
        let list: MCPToolList
        let nextCursor: String?

        var json: JSONValue {
            guard case .object(var fields) = list.json else { return list.json }
            if let nextCursor { fields["nextCursor"] = .string(nextCursor) }
            return .object(fields)
        }
    }

    /// The page after `cursor` (the first page without one), or nil when the cursor is not one we issued.
    func page(after cursor: String?, size: Int = pageSize) -> Page? {
        var remaining = tools[...]
        if let cursor {
            guard let last = Self.toolName(inCursor: cursor) else { return nil }
            remaining = remaining.drop(while: { $0.name <= last })
        }
        let page = Array(remaining.prefix(size))
        let next = remaining.count > size ? page.last.map { Self.cursor(after: $0.name) } : nil
        return Page(list: MCPToolList(tools: page), nextCursor: next)
    }

    private static let cursorPrefix = "after:"

    static func cursor(after name: String) -> String {
        Data((cursorPrefix + name).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func toolName(inCursor cursor: String) -> String? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
              text.hasPrefix(cursorPrefix), text.count > cursorPrefix.count
        else { return nil }
        return String(text.dropFirst(cursorPrefix.count))
    }
}
