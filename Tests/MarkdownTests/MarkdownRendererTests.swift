import Markdown
import Testing

@Suite("Markdown rendering (cmark-gfm)")
struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    @Test("GFM tables render as HTML tables")
    func tables() {
        let html = renderer.render("| Plan | Drafts |\n|------|-------:|\n| Pro | 40 |\n").html
        #expect(html.contains("<table tabindex=\"0\">"))
        #expect(html.contains("<th>Plan</th>"))
        #expect(html.contains("<td align=\"right\">40</td>"))
    }

    @Test("task lists render disabled checkboxes")
    func taskLists() {
        let html = renderer.render("- [x] done\n- [ ] open\n").html
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" /> done"))
        #expect(html.contains("<input type=\"checkbox\" disabled=\"\" aria-label=\"To do\" /> open"))
    }

    @Test("strikethrough renders del")
    func strikethrough() {
        #expect(renderer.render("~~old~~ new").html.contains("<del>old</del> new"))
    }

    @Test("bare URLs become links")
    func autolinks() {
        let html = renderer.render("See https://modelcontextprotocol.io for the spec.").html
        #expect(html.contains("<a href=\"https://modelcontextprotocol.io\">https://modelcontextprotocol.io</a>"))
    }

    @Test("headings get unique ids and anchor links")
    func headingAnchors() {
        // given two headings with the same text
        let result = renderer.render("## Set up\n\ntext\n\n### Set up\n\n## Déjà vu & more!\n")
        // then each gets its own id, and the HTML carries them
        #expect(result.headings.map(\.id) == ["set-up", "set-up-1", "déjà-vu-more"])
        #expect(result.headings.map(\.level) == [2, 3, 2])
        #expect(result.html.contains("<h2 id=\"set-up\"><a class=\"anchor\" href=\"#set-up\""))
        #expect(result.html.contains("<h3 id=\"set-up-1\">"))
    }

    @Test("a level-1 heading is demoted: the page template owns the only h1")
    func demotesH1() {
        let result = renderer.render("# Title\n\nbody")
        #expect(!result.html.contains("<h1"))
        #expect(result.html.contains("<h2 id=\"title\">"))
    }

    @Test("heading text includes inline code")
    func headingWithCode() {
        let result = renderer.render("## The `ctx.fetch` API\n")
        #expect(result.headings.first?.text == "The ctx.fetch API")
        #expect(result.headings.first?.id == "the-ctxfetch-api")
    }

    @Test("raw HTML and javascript: links never reach the output")
    func unsafeContent() {
        let html = renderer.render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>").html
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("javascript:"))
    }

    @Test("fenced code keeps its language class and escapes its content")
    func codeBlocks() {
        let html = renderer.render("```json\n{\"a\": \"<b>\"}\n```\n").html
        #expect(html.contains("<pre tabindex=\"0\"><code class=\"language-json\">"))
        #expect(!html.contains("lang="))
        #expect(html.contains("&lt;b&gt;"))
    }

    @Test("links can be rewritten, e.g. relative .md links to page URLs")
    func linkRewriting() {
        let html = renderer.render("[next](other.md) [web](https://example.com)") { destination in
            destination.hasSuffix(".md") ? "/docs/" + destination.dropLast(3) : nil
        }.html
        #expect(html.contains("<a href=\"/docs/other\">next</a>"))
        #expect(html.contains("<a href=\"https://example.com\">web</a>"))
    }

    @Test("heading-like text inside code blocks gets no anchor")
    func headingInCode() {
        let result = renderer.render("```\n<h2>not a heading</h2>\n```\n\n## Real\n")
        #expect(result.headings.count == 1)
        #expect(result.html.contains("&lt;h2&gt;not a heading"))
    }
}
