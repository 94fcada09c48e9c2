import Testing
import Templating

/// Strict mode (development, tests) against lenient mode (production, like Leaf).
@Suite("Strict rendering")
struct StrictModeTests {
    struct Owner: Encodable {
        let name: String
    }

    struct Row: Encodable {
        let name: String
        let note: String?
    }

    struct Context: Encodable {
        let title: String
        let subtitle: String?
        let count: Int
        let ratio: Double
        let isAdmin: Bool
        let owner: Owner
        let missingOwner: Owner?
        let rows: [Row]
        let noRows: [Row]?
    }

    static let context = Context(
        title: "Hello",
        subtitle: nil,
        count: 3,
        ratio: 1.5,
        isAdmin: false,
        owner: Owner(name: "Ada"),
        missingOwner: nil,
        rows: [Row(name: "a", note: nil), Row(name: "b", note: "B")],
        noRows: nil
    )

    func render(_ source: String, _ mode: TemplateLibrary.Mode) throws -> String {
        let library = try TemplateLibrary(sources: ["page": source], mode: mode)
        return String(decoding: try library.render("page", Self.context), as: UTF8.self)
    }

    @Test("what the view model has renders the same in both modes; nil optionals are present and empty", arguments: [
        ("#(title)|#(subtitle)|#(count)|#(ratio)|#(isAdmin)", "Hello||3|1.5|false"),
        ("#if(subtitle):yes#else:no#endif", "no"),
        ("#if(missingOwner):yes#else:no#endif", "no"),
        ("[#(missingOwner.name)]", "[]"),
        ("#for(row in noRows):x#endfor.", "."),
        ("#for(row in rows):#(row.name)=#if(row.note):#(row.note)#else:-#endif #endfor", "a=- b=B "),
        ("#(owner.name) #(lowercased(owner.name)) #(uppercased(subtitle))", "Ada ada "),
        ("#if(count(rows) == 2 && count > 2 && ratio < 2 && count == 3):ok#endif", "ok"),
        ("#if(title == \"Hello\" && subtitle != \"x\" && subtitle == missingOwner):ok#endif", "ok"),
    ])
    func presentNames(source: String, expected: String) throws {
        for mode in [TemplateLibrary.Mode.lenient, .strict] {
            // when
            let output = try render(source, mode)
            // then
            #expect(output == expected, "\(mode)")
        }
    }

    @Test("a name the view model lacks prints nothing when lenient and is an error with its line when strict", arguments: [
        ("#(titel)", "", 1, "unknown name `titel`"),
        ("a\n#(owner.nmae)", "a\n", 2, "`owner` has no field `nmae`"),
        ("#if(isAdmn):x#endif", "", 1, "unknown name `isAdmn`"),
        ("#if(isAdmin):x\n#elseif(owner.age > 1):y#endif", "", 2, "`owner` has no field `age`"),
        ("#for(row in rows):#(row.nmae)#endfor", "", 1, "`row` has no field `nmae`"),
        ("#for(row in rowz):x#endfor", "", 1, "unknown name `rowz`"),
        ("#unsafeHTML(body)", "", 1, "unknown name `body`"),
        ("#(count(items))", "", 1, "unknown name `items`"),
        ("#(title.length)", "", 1, "`title` is a string, which has no field `length`"),
        ("#(index)", "", 1, "unknown name `index`"),
    ])
    func missingNames(source: String, lenient: String, line: Int, message: String) throws {
        // when
        let output = try render(source, .lenient)
        // then
        #expect(output == lenient)
        do {
            _ = try render(source, .strict)
            Issue.record("strict mode accepted \(source.debugDescription)")
        } catch let error as TemplateError {
            #expect(error.file == "page")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("strict mode refuses what is always a template bug", arguments: [
        ("#(rows)", "is a list; print its items with #for"),
        ("#(owner)", "is an object"),
        ("#for(x in title):#endfor", "#for needs a list, but `title` is a string"),
        ("#if(rows):x#endif", "true even when empty; test `count(rows) > 0`"),
        ("#if(!rows):x#endif", "true even when empty"),
        ("#(count(count))", "count() needs a list, an object or a string, but `count` is a number"),
        ("#(count(subtitle))", "count() needs a list, an object or a string, but `subtitle` is nil"),
        ("#(lowercased(count))", "lowercased() needs a string"),
        ("#if(title > 2):x#endif", "`>` compares numbers, but `title` is a string"),
        ("#if(count == \"3\"):x#endif", "compares a number with a string"),
    ])
    func alwaysBugs(source: String, message: String) throws {
        // given
        _ = try render(source, .lenient)
        // when
        let error = #expect(throws: TemplateError.self) { try render(source, .strict) }
        // then
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test("an #export no #import receives is a load error only in strict mode")
    func unusedExport() throws {
        // given
        let sources = [
            "base": "<main>#import(\"body\")</main>",
            "page": "line 1\n#extend(\"base\"):#export(\"bdy\"):x#endexport#endextend",
        ]
        // when
        let lenient = try TemplateLibrary(sources: sources, mode: .lenient)
        // then
        #expect(String(decoding: try lenient.render("page", Self.context), as: UTF8.self) == "line 1\n<main></main>")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(sources: sources, mode: .strict) }
        #expect(error == TemplateError(file: "page", line: 2, message: "#export(\"bdy\") fills no #import in `base`"))
    }

    @Test("an error inside a layout names the layout's line and the page being rendered")
    func errorInLayout() throws {
        // given
        let library = try TemplateLibrary(sources: [
            "base": "<title>#(title)</title>\n<p>#(layout.name)</p>#import(\"body\")",
            "page": "#extend(\"base\"):#export(\"body\"):#(title)#endexport#endextend",
        ], mode: .strict)
        // when
        let error = #expect(throws: TemplateError.self) { try library.render("page", Self.context) }
        // then
        #expect(error?.file == "base")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("unknown name `layout`") == true)
        #expect(error?.message.hasSuffix("(rendering `page`)") == true)
        #expect(error?.description.hasPrefix("base:2: unknown name `layout`") == true)
    }

    @Test("the error lists the names that do exist, to spot a rename")
    func suggestsNames() throws {
        let error = #expect(throws: TemplateError.self) { try render("#for(row in rows):#(titl)#endfor", .strict) }
        #expect(error?.message.contains("(there is `row`, `count`, `isAdmin`, `missingOwner`, `noRows`, `owner`, `ratio`, `rows`, `subtitle`, `title`)") == true,
                "\(error?.message ?? "")")
    }
}
