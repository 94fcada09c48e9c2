import Foundation
import Testing

/// Every JavaScript file in Sources/ and Public/ parses, checked with `node --check`.
@Suite struct JavaScriptSyntaxTests {
    @Test func nodeIsInstalledWhenRequired() {
        // given
        let required = ProcessInfo.processInfo.environment["BMM_REQUIRE_NODE"] == "1"
        // when
        let node = Node.executable
        // then
        if required {
            #expect(node != nil, "BMM_REQUIRE_NODE=1 but node is not on the PATH (apt-get install nodejs)")
        }
    }

    @Test func theSearchFindsTheRuntimeTheRecipesAndTheBrowserCode() {
        // when
        let files = JavaScriptFile.all
        // then
        #expect(files.contains { $0.path == "Sources/bmm-sandbox-worker/Runtime/runtime.js" && $0.kind == .script })
        #expect(files.contains { $0.path.hasPrefix("Sources/Drafting/Offline/Recipes/js/") && $0.kind == .script })
        #expect(files.contains { $0.path == "Public/js/site.js" && $0.kind == .module })
        #expect(files.contains { $0.path == "Public/sw.js" && $0.kind == .script })
        #expect(files.contains { $0.path == "Public/dev/reload.js" && $0.kind == .module })
    }

    @Test(
        .enabled(if: Node.executable != nil, "node is not installed (apt-get install nodejs); BMM_REQUIRE_NODE=1 makes that a failure"),
        arguments: JavaScriptFile.all
    )
    func everyFileParses(_ file: JavaScriptFile) async throws {
        // given
        let node = try #require(Node.executable)
        // when
        let problem = try await Node.syntaxProblem(in: file, node: node)
        // then
        #expect(problem == nil, "\(problem ?? "")")
    }
}

/// A `.js` file of the repository and how a browser or the server runs it.
struct JavaScriptFile: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable {
        /// A classic script: the sandbox runtime, recipe code, the service worker.
        case script
        /// An ES module: the pages load Public/js/ (and, in development, Public/dev/) with `<script type="module">`.
        case module
    }

    /// Relative to the package root.
    let path: String
    let kind: Kind

    var testDescription: String { path }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let all: [JavaScriptFile] = ["Sources", "Public"].flatMap { folder -> [JavaScriptFile] in
        let enumerator = FileManager.default.enumerator(atPath: packageRoot.appendingPathComponent(folder).path)
        let paths = (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".js") }.sorted()
        return paths.map { relative in
            let path = folder + "/" + relative
            return JavaScriptFile(path: path, kind: path.hasPrefix("Public/js/") || path.hasPrefix("Public/dev/") ? .module : .script)
        }
    }
}

enum Node {
    /// `node` (or Debian's older `nodejs` name) on the PATH.
    static let executable: URL? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["node", "nodejs"] {
            for directory in directories {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }()

    /// nil if the file parses; otherwise node's report without its stack trace. The source
    /// goes in on stdin, the only way to choose the module system (`--input-type`) for
    /// `--check`; otherwise node guesses it from the file's syntax. Waiting for node blocks a
    /// thread, so it happens on a Dispatch thread: blocking Swift concurrency's few threads
    /// (two on a 2-core machine) stalls every test running beside this one.
    static func syntaxProblem(in file: JavaScriptFile, node: URL) async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingSyntaxProblem(in: file, node: node) })
            }
        }
    }

    private static func blockingSyntaxProblem(in file: JavaScriptFile, node: URL) throws -> String? {
        let process = Process()
        process.executableURL = node
        process.arguments = ["--check", "--input-type=\(file.kind == .module ? "module" : "commonjs")"]
        process.standardInput = try FileHandle(forReadingFrom: JavaScriptFile.packageRoot.appendingPathComponent(file.path))
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return nil }
        return report
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("    at ") && !$0.hasPrefix("Node.js v") }
            .joined(separator: "\n")
            .replacingOccurrences(of: "[stdin]", with: file.path)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
