import Foundation

/// Every template of a folder, compiled and linked once (layouts and partials
/// resolved), then rendered many times from any thread.
///
/// The templates keep Leaf's syntax, but rendering walks a tree compiled at
/// start-up instead of interpreting each template per request: LeafKit spent
/// about 0.8 ms of CPU a docs page, half the time of a full static export.
///
/// Where this differs from LeafKit, or follows a Leaf rule that surprises (each point
/// has a test in `TemplatingTests`):
/// - **Names.** A template's name is its path under the views folder without
///   `.leaf`: `Views/base.leaf` is `base`, `Views/Servers/server.leaf` is
///   `Servers/server`. `#extend("…")` always takes that full name, from whichever
///   folder the extending template sits in. Files and folders starting with `.` are skipped.
/// - **Errors at load time.** A syntax error, an unknown tag (including LeafKit's
///   `#count(x)`, `#date`, `#capitalized` and custom tags: use `#(count(x))`) and
///   `#extend` of an unknown template stop loading with file and line; LeafKit finds
///   them only when the page renders.
/// - **Strict mode** (`Mode.strict`, development and tests): a name the view model
///   does not have (`#(page.titel)`, `#if(page.isAdmn)`, `#for(x in page.itmes)`) is a
///   render error naming file and line; LeafKit (and `Mode.lenient`, production)
///   prints nothing. A `nil` optional is *present*: `TemplateEncoder` keeps it as
///   `null`, which prints nothing and is false, as in Leaf. Paths through `nil` are
///   `nil` (`page.server.name` when `server` is nil), since nil has no fields to check.
///   Strict mode also refuses what is always a template bug: printing a list or an
///   object, `#for` over something that is not a list, a list as a condition (it is
///   true even when empty; write `count(x) > 0`), `count()`/`lowercased()` of the wrong
///   type, ordering (`<`, `>`) anything but numbers, `==` between a number and a
///   string, and an `#export` no `#import` of the layout receives.
/// - **Truthiness** is Leaf's: only `nil` and `false` are false; `0`, `""` and `[]`
///   are true.
/// - **Loops.** `#for` over `nil` renders nothing (LeafKit: "expected array").
///   Inside a loop `index`, `isFirst` and `isLast` are defined, as in LeafKit; the
///   innermost loop's win, and the loop variable wins over them.
/// - **Numbers.** `==` compares an `Int` and a `Double` by value.
/// - **Escaping.** `#(x)` escapes `& < > " '`; `#unsafeHTML(x)` writes the string
///   as it is. `\#` writes a literal `#`, and a `#` not followed by a tag is text.
/// - **Slots.** `#import("slot")` that nothing exports renders nothing, in both modes.
public struct TemplateLibrary: Sendable {
    /// How rendering treats a name the view model does not have.
    public enum Mode: Sendable {
        /// Prints nothing, like Leaf. For production: a page with one empty spot beats an error page.
        case lenient
        /// A render error with the template file and line. For development and tests.
        case strict
    }

    public let mode: Mode
    private let templates: [String: [TemplateNode]]
    /// Template name -> file it came from.
    private let files: [String: String]

    /// Loads every `*.leaf` file under `directory`, subfolders included (see the
    /// naming rule above). Any syntax error or unknown template stops loading.
    public init(directory: String, mode: Mode = .lenient) throws {
        var parsed: [String: [TemplateNode]] = [:]
        var files: [String: String] = [:]
        for relative in try Self.templateFiles(in: directory) {
            let path = directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TemplateError(file: path, line: 0, message: "cannot read template")
            }
            let name = String(relative.dropLast(".leaf".count))
            parsed[name] = try TemplateParser.parse(Array(data), file: path)
            files[name] = path
        }
        try self.init(parsed: parsed, files: files, mode: mode)
    }

    /// Templates from strings (name -> source), for tests.
    public init(sources: [String: String], mode: Mode = .lenient) throws {
        var parsed: [String: [TemplateNode]] = [:]
        for (name, source) in sources {
            parsed[name] = try TemplateParser.parse(Array(source.utf8), file: name)
        }
        try self.init(parsed: parsed, files: Dictionary(uniqueKeysWithValues: sources.keys.map { ($0, $0) }), mode: mode)
    }

    private init(parsed: [String: [TemplateNode]], files: [String: String], mode: Mode) throws {
        var linked: [String: [TemplateNode]] = [:]
        for (name, nodes) in parsed {
            let linker = Linker(parsed: parsed, file: files[name] ?? name, checksExports: mode == .strict)
            linked[name] = Self.coalesce(try linker.link(nodes, depth: 0))
        }
        self.mode = mode
        self.templates = linked
        self.files = files
    }

    public var names: [String] { templates.keys.sorted() }

    /// Renders `name` with `context` (any `Encodable`) as UTF-8 bytes. In strict mode
    /// a name the context does not have throws a `TemplateError` with file and line.
    public func render<Context: Encodable>(_ name: String, _ context: Context) throws -> [UInt8] {
        guard let nodes = templates[name] else {
            throw TemplateError(file: name, line: 0, message: "no template named `\(name)`")
        }
        var renderer = TemplateRenderer(root: try TemplateEncoder.encode(context), isStrict: mode == .strict)
        renderer.output.reserveCapacity(32 * 1024)
        do {
            try renderer.render(nodes)
        } catch {
            // The failing line may sit in a layout or partial: say which page was rendering.
            guard error.file != files[name] else { throw error }
            throw TemplateError(file: error.file, line: error.line, message: "\(error.message) (rendering `\(name)`)")
        }
        return renderer.output
    }

    /// Paths of the `.leaf` files under `directory`, relative to it, sorted.
    static func templateFiles(in directory: String) throws -> [String] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateError(file: directory, line: 0, message: TemplateError.noViewsFolder)
        }
        var found: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            for entry in try fileManager.contentsOfDirectory(atPath: folder.isEmpty ? directory : directory + "/" + folder)
            where !entry.hasPrefix(".") {
                let relative = folder.isEmpty ? entry : folder + "/" + entry
                if fileManager.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), isDirectory.boolValue {
                    pending.append(relative)
                } else if entry.hasSuffix(".leaf") {
                    found.append(relative)
                }
            }
        }
        return found.sorted()
    }

    /// Merges neighbouring text nodes so rendering appends fewer, larger runs.
    private static func coalesce(_ nodes: [TemplateNode]) -> [TemplateNode] {
        var result: [TemplateNode] = []
        for node in nodes {
            switch node {
            case .text(let bytes):
                if case .text(let previous)? = result.last {
                    result[result.count - 1] = .text(previous + bytes)
                } else {
                    result.append(node)
                }
            case .conditional(let branches, let otherwise):
                result.append(.conditional(
                    branches: branches.map { .init(condition: $0.condition, location: $0.location, body: coalesce($0.body)) },
                    otherwise: coalesce(otherwise)
                ))
            case .loop(let variable, let collection, let body, let location):
                result.append(.loop(variable: variable, collection: collection, body: coalesce(body), location))
            default:
                result.append(node)
            }
        }
        return result
    }
}

/// Replaces every `#extend` with the template it names, filling its slots.
private struct Linker {
    let parsed: [String: [TemplateNode]]
    let file: String
    /// Strict mode: an `#export` that no `#import` receives is an error.
    let checksExports: Bool

    func link(_ nodes: [TemplateNode], depth: Int) throws(TemplateError) -> [TemplateNode] {
        guard depth < 16 else { throw TemplateError(file: file, line: 0, message: "#extend nests too deeply (a template extends itself?)") }
        var result: [TemplateNode] = []
        for node in nodes {
            switch node {
            case .extend(let name, let exports, let line):
                guard let target = parsed[name] else {
                    throw TemplateError(file: file, line: line, message: "#extend names an unknown template `\(name)`" + suggestion(for: name))
                }
                var filled: [String: [TemplateNode]] = [:]
                for (slot, body) in exports {
                    filled[slot] = try link(body, depth: depth + 1)
                }
                let base = try link(target, depth: depth + 1)
                if checksExports {
                    let imported = Self.slots(in: base)
                    if let unused = filled.keys.sorted().first(where: { !imported.contains($0) }) {
                        throw TemplateError(file: file, line: line, message: "#export(\"\(unused)\") fills no #import in `\(name)`")
                    }
                }
                result += Self.fill(base, with: filled)
            case .conditional(let branches, let otherwise):
                var linkedBranches: [TemplateNode.Branch] = []
                for branch in branches {
                    linkedBranches.append(.init(condition: branch.condition, location: branch.location, body: try link(branch.body, depth: depth)))
                }
                result.append(.conditional(branches: linkedBranches, otherwise: try link(otherwise, depth: depth)))
            case .loop(let variable, let collection, let body, let location):
                result.append(.loop(variable: variable, collection: collection, body: try link(body, depth: depth), location))
            default:
                result.append(node)
            }
        }
        return result
    }

    /// Templates moving into feature folders keep their file name: point at the new full name.
    private func suggestion(for name: String) -> String {
        let file = name.split(separator: "/").last.map(String.init) ?? name
        let candidates = parsed.keys.filter { $0 != name && ($0 == file || $0.hasSuffix("/" + file)) }.sorted()
        return candidates.isEmpty ? "" : " (did you mean " + candidates.map { "`\($0)`" }.joined(separator: " or ") + "?)"
    }

    private static func slots(in nodes: [TemplateNode]) -> Set<String> {
        var names = Set<String>()
        for node in nodes {
            switch node {
            case .slot(let name): names.insert(name)
            case .conditional(let branches, let otherwise):
                for branch in branches { names.formUnion(slots(in: branch.body)) }
                names.formUnion(slots(in: otherwise))
            case .loop(_, _, let body, _): names.formUnion(slots(in: body))
            default: continue
            }
        }
        return names
    }

    private static func fill(_ nodes: [TemplateNode], with exports: [String: [TemplateNode]]) -> [TemplateNode] {
        nodes.flatMap { node -> [TemplateNode] in
            switch node {
            case .slot(let name):
                return exports[name] ?? []
            case .conditional(let branches, let otherwise):
                return [.conditional(
                    branches: branches.map { .init(condition: $0.condition, location: $0.location, body: fill($0.body, with: exports)) },
                    otherwise: fill(otherwise, with: exports)
                )]
            case .loop(let variable, let collection, let body, let location):
                return [.loop(variable: variable, collection: collection, body: fill(body, with: exports), location)]
            default:
                return [node]
            }
        }
    }
}
