import CCmarkGFM

/// Markdown one person writes for pages other people read (a template's description).
/// Stricter than `MarkdownRenderer`, which renders the site's own content:
/// - cmark-gfm's safe mode drops raw HTML, so no tag or attribute ever comes from the text;
/// - a link whose destination `allowsLink` refuses loses its link and keeps its text;
/// - images become their alt text: an image is a request the reader's browser makes on
///   the writer's behalf (a tracking pixel), and cmark's safe mode still lets
///   `data:image/…` through, which the site's CSP allows;
/// - headings start at level 3 and carry no ids, so a description can neither outrank
///   the page's own headings nor clobber an element id the page relies on;
/// - every link gets `rel="nofollow ugc noopener"`.
public enum UntrustedMarkdown {
    public static let linkRel = "nofollow ugc noopener"

    public static func html(_ markdown: some StringProtocol, allowsLink: (String) -> Bool) -> String {
        let options = CMARK_OPT_DEFAULT
        _ = MarkdownRenderer()
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tasklist", "tagfilter"] {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var source = String(markdown)
        source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }

        // Nodes are changed after the walk: the iterator must not see the tree change under it.
        var images: [OpaquePointer] = []
        var refusedLinks: [OpaquePointer] = []
        let iterator = cmark_iter_new(document)
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HEADING:
                if cmark_node_get_heading_level(node) < 3 { cmark_node_set_heading_level(node, 3) }
            case CMARK_NODE_IMAGE:
                images.append(node)
            case CMARK_NODE_LINK:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if !allowsLink(url) { refusedLinks.append(node) }
            default:
                break
            }
        }
        cmark_iter_free(iterator)

        for image in images {
            let text = MarkdownRenderer.plainText(of: image)
            if !text.isEmpty, let replacement = cmark_node_new(CMARK_NODE_TEXT) {
                cmark_node_set_literal(replacement, text)
                cmark_node_insert_before(image, replacement)
            }
            cmark_node_unlink(image)
            cmark_node_free(image)
        }
        for link in refusedLinks {
            while let child = cmark_node_first_child(link) {
                cmark_node_unlink(child)
                cmark_node_insert_before(link, child)
            }
            cmark_node_unlink(link)
            cmark_node_free(link)
        }

        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        // Safe mode escapes every `<` of the text and drops raw HTML, so each `<a href=`
        // in the output is a link node cmark wrote.
        return String(cString: rendered).replacing("<a href=\"", with: "<a rel=\"\(linkRel)\" href=\"")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
