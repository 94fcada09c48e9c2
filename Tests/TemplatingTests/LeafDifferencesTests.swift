import Testing
import Templating

/// The rules listed on `TemplateLibrary` where this engine differs from LeafKit or
/// where LeafKit's behaviour is easy to get wrong.
@Suite("Where templates differ from Leaf")
struct LeafDifferencesTests {
    struct Value<T: Encodable>: Encodable {
        let x: T
    }

    func render<T: Encodable>(_ source: String, _ x: T, mode: TemplateLibrary.Mode = .lenient) throws -> String {
        let library = try TemplateLibrary(sources: ["page": source], mode: mode)
        return String(decoding: try library.render("page", Value(x: x)), as: UTF8.self)
    }

    @Test("#(x) escapes the five HTML characters; #unsafeHTML(x) writes them as they are", arguments: [
        ("<b>", "&lt;b&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        (#"say "hi""#, "say &quot;hi&quot;"),
        ("it's", "it&#39;s"),
        ("plain ünïcode ✓", "plain ünïcode ✓"),
    ])
    func escaping(text: String, escaped: String) throws {
        // when
        let output = try render("#(x)|#unsafeHTML(x)", text)
        // then
        #expect(output == escaped + "|" + text)
    }

    @Test("only nil and false are false: 0, \"\", \"false\" and empty objects are true, as in Leaf")
    func truthiness() throws {
        let source = "#if(x):T#else:F#endif"
        #expect(try render(source, false) == "F")
        #expect(try render(source, String?.none) == "F")
        #expect(try render(source, true) == "T")
        #expect(try render(source, 0) == "T")
        #expect(try render(source, "") == "T")
        #expect(try render(source, "false") == "T")
        #expect(try render(source, [String: String]()) == "T")
        // An empty list is true too, which is why strict mode refuses a list as a condition.
        #expect(try render(source, [String]()) == "T")
        #expect(throws: TemplateError.self) { try render(source, [String](), mode: .strict) }
        #expect(try render("#if(count(x) > 0):T#else:F#endif", [String](), mode: .strict) == "F")
    }

    @Test("#for over nil renders nothing (LeafKit throws); index, isFirst and isLast are defined inside")
    func loops() throws {
        // given
        let source = "#for(item in x):#(index)#(item)#if(isFirst):<#endif#if(isLast):>#endif #endfor."
        // then
        #expect(try render(source, ["a", "b", "c"], mode: .strict) == "0a< 1b 2c> .")
        #expect(try render(source, [String]?.none, mode: .strict) == ".")
        #expect(try render(source, ["only"], mode: .strict) == "0only<> .")
    }

    @Test("nested loops: the inner loop's helpers win, and a loop variable wins over a helper")
    func nestedLoops() throws {
        // given
        let source = "#for(row in x):#for(cell in row):#(index)#endfor/#(index)|#endfor#for(index in x):#(count(index))#endfor"
        // when
        let output = try render(source, [["a", "b"], ["c"]], mode: .strict)
        // then
        #expect(output == "01/0|0/1|21")
    }

    @Test("== compares an Int and a Double by value")
    func numbers() throws {
        struct Numbers: Encodable { let int: Int; let double: Double }
        let library = try TemplateLibrary(sources: ["page": "#if(int == double):same#endif"], mode: .strict)
        #expect(String(decoding: try library.render("page", Numbers(int: 2, double: 2.0)), as: UTF8.self) == "same")
    }

    @Test("#extend of an unknown template fails at load time, with file and line, in both modes")
    func unknownTemplate() {
        for mode in [TemplateLibrary.Mode.lenient, .strict] {
            let error = #expect(throws: TemplateError.self) {
                try TemplateLibrary(sources: ["page": "a\n#extend(\"nope\")"], mode: mode)
            }
            #expect(error == TemplateError(file: "page", line: 2, message: "#extend names an unknown template `nope`"))
        }
    }

    @Test("tags LeafKit has but this engine does not are load errors", arguments: ["#count(x)", "#date(x)", "#capitalized(x)", "#dumpContext()"])
    func unsupportedTags(source: String) {
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(sources: ["page": source]) }
        #expect(error?.message.hasPrefix("unknown or misplaced tag") == true)
    }

    @Test("an #import nothing exports renders nothing, in strict mode too")
    func emptySlot() throws {
        let library = try TemplateLibrary(sources: [
            "base": "<head>#import(\"head\")</head>#import(\"body\")",
            "page": "#extend(\"base\"):#export(\"body\"):B#endexport#endextend",
        ], mode: .strict)
        #expect(String(decoding: try library.render("page", Value(x: 1)), as: UTF8.self) == "<head></head>B")
    }
}
