import Foundation

/// The recipes' JavaScript, copied into the Drafting resource bundle: a file per tool,
/// `js/<recipe id>/<tool name>.js`, and per recipe at most one prelude of shared code,
/// `js/<recipe id>/_<name>.js` (see js/README.md).
struct RecipeCode {
    /// A recipe file that is missing, unreadable or not in the expected shape.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: URL

    /// The code in the Drafting resource bundle, which SwiftPM puts next to the executable.
    static func bundled() throws(Failure) -> RecipeCode {
        guard let folder = Bundle.module.url(forResource: "js", withExtension: nil) else {
            throw Failure(description: "The offline drafter's recipe code (js/) is missing from \(Bundle.module.bundlePath): rebuild with `swift build`")
        }
        return RecipeCode(folder: folder)
    }

    /// For the catalog's recipes, built once per process: without its code the offline
    /// drafter cannot draft anything, so a broken installation stops here, saying why.
    static func load(recipe: String, tool: String, prelude: String? = nil) -> String {
        do {
            return try bundled().implementation(recipe: recipe, tool: tool, prelude: prelude)
        } catch {
            fatalError(error.description)
        }
    }

    /// A tool's `implementation` exactly as drafted specs carry it: the body of the function
    /// in `<recipe>/<tool>.js`, after the body of `<recipe>/_<prelude>.js` if it has one.
    func implementation(recipe: String, tool: String, prelude: String? = nil) throws(Failure) -> String {
        let body = try functionBody(recipe: recipe, function: tool)
        guard let prelude else { return body }
        return try functionBody(recipe: recipe, function: "_" + prelude) + "\n" + body
    }

    /// A file is `// comment` lines (for this repository, not drafted), then
    /// `async function <name>(args, ctx) {`, the body, and a closing `}` on the last line.
    private func functionBody(recipe: String, function: String) throws(Failure) -> String {
        let file = folder.appendingPathComponent(recipe).appendingPathComponent(function + ".js")
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw Failure(description: "The offline drafter cannot read its recipe code \(file.path): \(error.localizedDescription)")
        }
        let opening = "async function \(function)(args, ctx) {\n"
        var lines = text[...]
        while !lines.hasPrefix(opening), lines.hasPrefix("//") || lines.hasPrefix("\n") {
            lines = lines.drop { $0 != "\n" }.dropFirst()
        }
        guard lines.hasPrefix(opening) else {
            throw Failure(description: "The recipe code \(file.path) must start with `\(opening.dropLast())` after its comments")
        }
        var rest = lines.dropFirst(opening.count)
        if rest.hasSuffix("\n") { rest = rest.dropLast() }
        guard rest.hasSuffix("\n}") else {
            throw Failure(description: "The recipe code \(file.path) must end with the `}` closing `\(function)` on a line of its own")
        }
        return String(rest.dropLast(2))
    }
}
