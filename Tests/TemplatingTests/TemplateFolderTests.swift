import Foundation
import Testing
import Templating

/// Templates loaded from a folder: names from paths, subfolders, errors naming files.
@Suite("Template folders")
struct TemplateFolderTests {
    struct Context: Encodable {
        let title: String
    }

    /// Writes `files` (relative path -> contents) into a new temporary folder.
    func folder(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "bmm-views-" + UUID().uuidString
        for (path, contents) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return root
    }

    func render(_ library: TemplateLibrary, _ name: String) throws -> String {
        String(decoding: try library.render(name, Context(title: "T")), as: UTF8.self)
    }

    @Test("a template's name is its path under the folder without .leaf; hidden files and other extensions are skipped")
    func names() throws {
        // given
        let root = try folder([
            "base.leaf": "<main>#import(\"body\")</main>",
            "Servers/server.leaf": "#extend(\"base\"):#export(\"body\"):#extend(\"Servers/Parts/row\")#endexport#endextend",
            "Servers/Parts/row.leaf": "<p>#(title)</p>",
            "Servers/notes.txt": "not a template",
            ".drafts/old.leaf": "#bogus(",
            "Servers/.server.leaf.swp": "junk",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // when
        let library = try TemplateLibrary(directory: root, mode: .strict)
        // then
        #expect(library.names == ["Servers/Parts/row", "Servers/server", "base"])
        #expect(try render(library, "Servers/server") == "<main><p>T</p></main>")
        #expect(try render(library, "base") == "<main></main>")
    }

    @Test("#extend takes the full name from any folder; a bare name that moved gets a hint", arguments: [
        ("Servers/server.leaf", "#extend(\"row\")", "#extend names an unknown template `row` (did you mean `Servers/row`?)"),
        ("Servers/server.leaf", "#extend(\"Servers/base\")", "#extend names an unknown template `Servers/base` (did you mean `base`?)"),
        ("page.leaf", "#extend(\"./base\")", "#extend names an unknown template `./base` (did you mean `base`?)"),
    ])
    func extendNames(file: String, source: String, message: String) throws {
        // given
        let root = try folder(["base.leaf": "b", "Servers/row.leaf": "r", file: "line 1\n" + source])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // when
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: root) }
        // then
        #expect(error == TemplateError(file: root + "/" + file, line: 2, message: message))
    }

    @Test("render errors name the file in its subfolder and the line")
    func renderErrorNamesFile() throws {
        // given
        let root = try folder(["Servers/server.leaf": "<h1>#(title)</h1>\n<p>#(subtitle)</p>"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let library = try TemplateLibrary(directory: root, mode: .strict)
        // when
        let error = #expect(throws: TemplateError.self) { try render(library, "Servers/server") }
        // then
        #expect(error?.file == root + "/Servers/server.leaf")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("unknown name `subtitle`") == true)
    }

    @Test("a missing views folder is an error that names it")
    func missingFolder() {
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: "/nonexistent/Views") }
        #expect(error?.file == "/nonexistent/Views")
    }
}
