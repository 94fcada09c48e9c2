import CCmarkGFM

/// A heading found while rendering, with the anchor id written into the HTML.
public struct Heading: Equatable, Sendable {
    public var level: Int
    public var id: String
    public var text: String
}

public struct RenderedMarkdown: Sendable {
    public var html: String
    public var headings: [Heading]
}

/// GitHub-flavoured Markdown through cmark-gfm: tables, strikethrough, autolinks,
/// task lists and the tag filter. Raw HTML in the source is dropped and unsafe link
/// schemes (`javascript:` …) are emptied, so the output can be embedded unescaped.
public struct MarkdownRenderer: Sendable {
    /// Rewrites a link destination (for example a relative `other.md` link to the
    /// page's URL); return `nil` to keep it.
    public typealias LinkRewriter = @Sendable (String) -> String?

    public init() {
        _ = Self.extensionsRegistered
    }

    // cmark-gfm keeps its extension registry in a process-wide list that must be
    // filled once before any parser exists; a lazy static makes that thread-safe.
    private static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// Renders `markdown`. Level-1 headings are demoted to level 2 because the page
    /// template owns the only `<h1>`. Every heading gets a unique id and an anchor link.
    public func render(_ markdown: some StringProtocol, rewriteLink: LinkRewriter? = nil) -> RenderedMarkdown {
        // Without CMARK_OPT_GITHUB_PRE_LANG: a fence's language is a `language-…` class on `<code>`, not a
        // `lang` attribute on `<pre>`, which means a human language and must be a valid tag (axe, vnu).
        let options = CMARK_OPT_DEFAULT
        guard let parser = cmark_parser_new(options) else { return RenderedMarkdown(html: "", headings: []) }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
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
        guard let document = cmark_parser_finish(parser) else { return RenderedMarkdown(html: "", headings: []) }
        defer { cmark_node_free(document) }

        var slugs = SlugRegistry()
        var headings: [Heading] = []
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HEADING {
                var level = Int(cmark_node_get_heading_level(node))
                if level == 1 {
                    level = 2
                    cmark_node_set_heading_level(node, 2)
                }
                let text = Self.plainText(of: node)
                headings.append(Heading(level: level, id: slugs.claim(Slug.make(text)), text: text))
            } else if type == CMARK_NODE_LINK, let rewriteLink, let url = cmark_node_get_url(node) {
                if let rewritten = rewriteLink(String(cString: url)) {
                    cmark_node_set_url(node, rewritten)
                }
            }
        }

        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return RenderedMarkdown(html: "", headings: headings)
        }
        defer { free(rendered) }
        let html = AccessibleBlocks.apply(to: HeadingAnchors.insert(headings, into: String(cString: rendered)))
        return RenderedMarkdown(html: html, headings: headings)
    }

    /// The visible text of a node: text, code and line breaks of its descendants.
    static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
