import Markdown
import Testing

@Suite("Front matter")
struct FrontMatterTests {
    @Test("reads strings, quoted strings, integers, booleans and lists")
    func values() throws {
        // given
        let source = """
        ---
        title: "Hello: world"
        description: It's plain
        order: 3
        draft: false
        tags: [platform, "docs, site", 'it''s']
        ---
        Body line
        """
        // when
        let file = try SourceFile.parse(source)
        // then
        #expect(file.frontMatter.string("title") == "Hello: world")
        #expect(file.frontMatter.string("description") == "It's plain")
        #expect(file.frontMatter.integer("order") == 3)
        #expect(file.frontMatter.fields["draft"] == .boolean(false))
        #expect(file.frontMatter.list("tags") == ["platform", "docs, site", "it's"])
        #expect(file.body == "Body line")
        #expect(file.bodyLine == 8)
        #expect(file.frontMatter.lines["order"] == 4)
    }

    @Test("a file without front matter is all body")
    func none() throws {
        let file = try SourceFile.parse("Just text\n")
        #expect(file.frontMatter.fields.isEmpty)
        #expect(file.body == "Just text\n")
    }

    @Test("errors name the line and the problem", arguments: [
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\ntitle: x\nno colon here\n---\n", 3, "expected `key: value`"),
        ("---\ntitle: \"open\n---\n", 2, "not closed"),
        ("---\ntitle: a\ntitle: b\n---\n", 3, "duplicate key `title`"),
        ("---\ntags: [a, b\n---\n", 2, "not closed with `]`"),
        ("---\n  nested: x\n---\n", 2, "invalid key"),
        ("---\ntitle: \"bad \\q escape\"\n---\n", 2, "unknown escape"),
        ("---\nobj: {a: 1}\n---\n", 2, "unsupported value"),
    ])
    func errors(source: String, line: Int, message: String) {
        do {
            _ = try SourceFile.parse(source)
            Issue.record("expected an error for \(source.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("Windows line endings are accepted")
    func crlf() throws {
        let file = try SourceFile.parse("---\r\ntitle: Hi\r\n---\r\nBody")
        #expect(file.frontMatter.string("title") == "Hi")
    }
}
