@testable import App
import Foundation
import Testing

@Suite("Template descriptions: Markdown that cannot inject HTML, scripts or unsafe links")
struct TemplateMarkdownTests {
    /// Every `href`/`src` value in the HTML.
    static func urls(_ html: String) -> [String] {
        HTMLInspector(html: html).tags("a").compactMap { $0.attributes["href"] } + HTMLInspector(html: html).tags("img").compactMap { $0.attributes["src"] }
    }

    static func assertInert(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = html.lowercased()
        #expect(!lower.contains("<script"), "\(html)", sourceLocation: sourceLocation)
        #expect(!lower.contains("<img"), "\(html)", sourceLocation: sourceLocation)
        #expect(!lower.contains("<iframe"), "\(html)", sourceLocation: sourceLocation)
        // An event handler attribute: `on…=` right after whitespace inside a tag.
        #expect(lower.range(of: #"<[^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(html)", sourceLocation: sourceLocation)
        for url in urls(html) {
            #expect(url.hasPrefix("https://") || url.hasPrefix("http://"), "\(url) in \(html)", sourceLocation: sourceLocation)
        }
    }

    @Test("raw HTML never passes", arguments: [
        "<script>alert(1)</script>",
        "Hello <img src=x onerror=alert(1)> world",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div onclick=\"alert(1)\">click</div>",
        "<svg><script>alert(1)</script></svg>",
        "<<script>script>alert(1)<</script>/script>",
    ])
    func rawHTML(_ markdown: String) {
        let html = TemplateMarkdown.html(markdown)
        Self.assertInert(html)
    }

    @Test("unsafe link schemes lose the link and keep the text", arguments: [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#58;alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](/relative/path)",
        "[x](other.md)",
        "[x](//evil.example/path)",
        "[x](mailto:someone@example.com)",
        "[x](https:evil.example)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x][ref]\n\n[ref]: <data:text/html,hi>",
        "<javascript:alert(1)>",
    ])
    func unsafeLinks(_ markdown: String) {
        let html = TemplateMarkdown.html(markdown)
        Self.assertInert(html)
        #expect(HTMLInspector(html: html).tags("a").isEmpty, "no link survives: \(html)")
        #expect(!html.lowercased().contains("href"), "\(html)")
    }

    @Test("images become their alt text: no request on the writer's behalf, no data: image", arguments: [
        "![tracker](https://evil.example/pixel.png)",
        "![logo](data:image/png;base64,iVBORw0KGgo=)",
        "![x](javascript:alert(1))",
        "[![badge](https://img.example/b.svg)](https://example.com)",
        "![ref][img]\n\n[img]: https://evil.example/p.png",
    ])
    func images(_ markdown: String) {
        let html = TemplateMarkdown.html(markdown)
        Self.assertInert(html)
        #expect(!html.contains("evil.example/p"), "\(html)")
        #expect(!html.contains("data:"), "\(html)")
    }

    @Test("web links stay, marked nofollow ugc noopener: inline, reference and autolinks")
    func webLinks() {
        let html = TemplateMarkdown.html("""
        See [the docs](https://example.com/docs "Docs"), [ref][r], <https://auto.example/x> and www.bare.example.

        [r]: http://ref.example/page
        """)
        let links = HTMLInspector(html: html).tags("a")
        #expect(links.map { $0.attributes["href"] ?? "" } == [
            "https://example.com/docs", "http://ref.example/page", "https://auto.example/x", "http://www.bare.example",
        ])
        #expect(links.allSatisfy { $0.attributes["rel"] == "nofollow ugc noopener" })
        Self.assertInert(html)
    }

    @Test("quotes and angle brackets in a URL or title stay inside the attribute")
    func attributeBreakout() {
        let html = TemplateMarkdown.html(#"[x](https://example.com/"onmouseover="alert(1) "t\"onclick=\"alert(1)")"#)
        #expect(!html.contains("onmouseover=\""), "\(html)")
        #expect(!html.contains(" onclick=\""), "\(html)")
        Self.assertInert(html)
    }

    @Test("headings start at level 3 and carry no ids; code is escaped text")
    func headingsAndCode() {
        let html = TemplateMarkdown.html("# Main\n\n## Tools\n\n```\n<script>alert(1)</script>\n```\n\n`<b>`")
        #expect(html.contains("<h3>Main</h3>"))
        #expect(html.contains("<h3>Tools</h3>"))
        #expect(!html.contains("id="))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<code>&lt;b&gt;</code>"))
        Self.assertInert(html)
    }

    @Test func isWebURL() {
        #expect(TemplateMarkdown.isWebURL("https://example.com/x"))
        #expect(TemplateMarkdown.isWebURL("HTTP://EXAMPLE.COM"))
        #expect(!TemplateMarkdown.isWebURL("https://"))
        #expect(!TemplateMarkdown.isWebURL(" https://example.com"))
        #expect(!TemplateMarkdown.isWebURL("javascript:alert(1)"))
        #expect(!TemplateMarkdown.isWebURL("ftp://example.com"))
        #expect(!TemplateMarkdown.isWebURL("/path"))
    }
}
