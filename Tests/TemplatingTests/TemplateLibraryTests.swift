import Testing
import Templating

@Suite("Templates (Leaf syntax, compiled)")
struct TemplateLibraryTests {
    struct Item: Encodable {
        let name: String
        let isCurrent: Bool
        let badge: String?
    }

    struct Context: Encodable {
        let title: String
        let html: String
        let items: [Item]
        let tags: [String]
        let count: Int
    }

    let context = Context(
        title: "Tom & \"Jerry\" <3",
        html: "<em>safe</em>",
        items: [Item(name: "a", isCurrent: false, badge: nil), Item(name: "b", isCurrent: true, badge: "New")],
        tags: [],
        count: 2
    )

    func render(_ source: String, extra: [String: String] = [:]) throws -> String {
        let library = try TemplateLibrary(sources: extra.merging(["page": source]) { a, _ in a })
        return String(decoding: try library.render("page", context), as: UTF8.self)
    }

    @Test("#() escapes HTML; #unsafeHTML() does not")
    func escaping() throws {
        #expect(try render("<h1>#(title)</h1>#unsafeHTML(html)") == "<h1>Tom &amp; &quot;Jerry&quot; &lt;3</h1><em>safe</em>")
    }

    @Test("loops, conditions, comparisons, optionals and count()")
    func controlFlow() throws {
        let source = """
        #for(item in items):[#(item.name)#if(item.isCurrent): current#endif#if(item.badge): #(item.badge)#else: -#endif]#endfor
        #if(count(tags) > 0):tags#elseif(count == 2):two#else:other#endif
        #if(title != "" && !items):x#else:y#endif
        """
        #expect(try render(source) == "[a -][b current New]\ntwo\ny")
    }

    @Test("layouts: #extend with #export fills the layout's #import slots; partials are included")
    func layouts() throws {
        let output = try render(
            #"#extend("base"):#export("body"):<p>#(title)</p>#extend("partial")#endexport#endextend"#,
            extra: ["base": "<main>#import(\"body\")</main><footer>#import(\"missing\")</footer>", "partial": "<hr>"]
        )
        #expect(output == "<main><p>Tom &amp; &quot;Jerry&quot; &lt;3</p><hr></main><footer></footer>")
    }

    @Test("a backslash escapes #, and a # without a tag is text")
    func literalHash() throws {
        #expect(try render(##"<a href="\#main">&#39; #fff</a>"##) == "<a href=\"#main\">&#39; #fff</a>")
    }

    @Test("syntax errors name the template and line", arguments: [
        ("line1\n#if(title):open", 2, "never closed"),
        ("#for(x of items):#endfor", 1, "`item in list`"),
        ("a\nb\n#bogus(1)", 3, "unknown or misplaced tag #bogus"),
        ("#(title", 1, "unclosed `(`"),
        ("#(a ==)", 1, "expression ends too early"),
        ("#endif", 1, "misplaced tag #endif"),
    ])
    func syntaxErrors(source: String, line: Int, message: String) {
        do {
            _ = try TemplateLibrary(sources: ["page": source])
            Issue.record("accepted \(source.debugDescription)")
        } catch let error as TemplateError {
            #expect(error.file == "page")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("extending an unknown template is an error at load time")
    func unknownTemplate() {
        #expect(throws: TemplateError.self) { try TemplateLibrary(sources: ["page": #"#extend("nope")"#]) }
    }

    @Test("rendering an unknown template name is an error")
    func unknownName() throws {
        let library = try TemplateLibrary(sources: ["page": "x"])
        #expect(throws: TemplateError.self) { try library.render("other", context) }
    }
}
