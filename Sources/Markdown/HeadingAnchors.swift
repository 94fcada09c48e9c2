/// Adds `id` attributes and anchor links to the `<hN>` tags of cmark's HTML.
///
/// cmark has no hook for heading attributes, so the ids are spliced in after
/// rendering. That is safe because raw HTML is never passed through: every `<hN>`
/// opening tag in the output is a heading node, and they appear in document order.
enum HeadingAnchors {
    static func insert(_ headings: [Heading], into html: String) -> String {
        guard !headings.isEmpty else { return html }
        var output = [UInt8]()
        output.reserveCapacity(html.utf8.count + headings.count * 96)
        let bytes = Array(html.utf8)
        var index = 0
        var next = 0
        while index < bytes.count {
            // Match "<h" digit ">".
            if next < headings.count, bytes[index] == UInt8(ascii: "<"), index + 3 < bytes.count,
               bytes[index + 1] == UInt8(ascii: "h"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[index + 2]),
               bytes[index + 3] == UInt8(ascii: ">")
            {
                let heading = headings[next]
                next += 1
                let open = "<h\(heading.level) id=\"\(heading.id)\"><a class=\"anchor\" href=\"#\(heading.id)\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
                output.append(contentsOf: open.utf8)
                index += 4
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
