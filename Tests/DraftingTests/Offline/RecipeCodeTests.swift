import Foundation
import Testing
@testable import Drafting

@Suite struct RecipeCodeTests {
    @Test func everyToolHasItsOwnFileAndEveryFileIsAToolOrAPreludeOfItsRecipe() throws {
        // given
        let folder = try RecipeCode.bundled().folder
        let files = FileManager.default
        // when
        let recipeFolders = try files.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".md") }
        // then
        #expect(Set(recipeFolders) == Set(OfflineDrafter.catalog.map(\.id)))
        for recipe in OfflineDrafter.catalog {
            let names = try files.contentsOfDirectory(atPath: folder.appendingPathComponent(recipe.id).path)
            let tools = names.filter { $0.hasSuffix(".js") && !$0.hasPrefix("_") }.map { String($0.dropLast(3)) }
            #expect(Set(tools) == Set(recipe.toolNames), "js/\(recipe.id)/")
            #expect(names.allSatisfy { $0.hasSuffix(".js") }, "js/\(recipe.id)/ holds only .js files")
        }
    }

    @Test func aToolIsItsFunctionsBodyAfterItsPreludesBody() throws {
        // given
        let code = try RecipeFolder(files: [
            "demo/_shared.js": "// Notes for this repository.\n\nasync function _shared(args, ctx) {\nconst base = 1;\n}\n",
            "demo/add.js": "async function add(args, ctx) {\nreturn base + args.n;\n}",
        ])
        // when
        let implementation = try code.recipes.implementation(recipe: "demo", tool: "add", prelude: "shared")
        // then
        #expect(implementation == "const base = 1;\nreturn base + args.n;")
    }

    @Test func aMissingFileIsReportedWithItsPath() throws {
        // given
        let code = try RecipeFolder(files: [:])
        // when
        let failure = #expect(throws: RecipeCode.Failure.self) {
            try code.recipes.implementation(recipe: "demo", tool: "absent")
        }
        // then
        #expect(failure?.description.hasPrefix("The offline drafter cannot read its recipe code ") == true)
        #expect(failure?.description.contains("/demo/absent.js") == true)
    }

    @Test(arguments: [
        ("function add(args, ctx) {\nreturn 1;\n}\n", "must start with `async function add(args, ctx) {`"),
        ("async function other(args, ctx) {\nreturn 1;\n}\n", "must start with `async function add(args, ctx) {`"),
        ("async function add(args, ctx) {\nreturn 1; }\n", "must end with the `}` closing `add`"),
    ])
    func aFileInAnotherShapeIsReported(content: String, expected: String) throws {
        // given
        let code = try RecipeFolder(files: ["demo/add.js": content])
        // when
        let failure = #expect(throws: RecipeCode.Failure.self) {
            try code.recipes.implementation(recipe: "demo", tool: "add")
        }
        // then
        #expect(failure?.description.contains(expected) == true, "\(failure?.description ?? "no failure")")
        #expect(failure?.description.contains("/demo/add.js") == true)
    }
}

/// Recipe files in a temporary folder, removed when the value goes away.
private final class RecipeFolder {
    let recipes: RecipeCode

    init(files: [String: String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-code-\(UUID().uuidString)")
        for (path, content) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: file, atomically: true, encoding: .utf8)
        }
        recipes = RecipeCode(folder: folder)
    }

    deinit {
        try? FileManager.default.removeItem(at: recipes.folder)
    }
}
