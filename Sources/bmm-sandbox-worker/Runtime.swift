/// The JavaScript evaluated into every fresh context before the tool: Runtime/runtime.js
/// with each `// @include <file>` line replaced by that file (see Runtime/README.md).
/// SwiftPM embeds the files in this binary (`.embedInCode`) instead of copying a resource
/// bundle: `Bundle.module` would link Foundation into every worker, about 8 MB more
/// resident memory, which counts against each call's memory limit.
enum Runtime {
    static let sourceURL = "bmm-runtime.js"

    static let source = assemble(
        PackageResources.runtime_js,
        includes: [("encoding.js", PackageResources.encoding_js), ("url.js", PackageResources.url_js)]
    )

    /// Works on bytes, without String comparisons, splitting or hashing: those page in the
    /// standard library's Unicode machinery, close to 1 MB of every worker's resident memory.
    private static func assemble(_ main: [UInt8], includes: [(file: String, bytes: [UInt8])]) -> String {
        let newline = UInt8(ascii: "\n")
        let marker = Array("// @include ".utf8)
        var source: [UInt8] = []
        for (index, line) in main.split(separator: newline, omittingEmptySubsequences: false).enumerated() {
            if index > 0 { source.append(newline) }
            guard line.starts(with: marker) else {
                source += line
                continue
            }
            let file = line.dropFirst(marker.count)
            guard var included = includes.first(where: { $0.file.utf8.elementsEqual(file) })?.bytes else {
                let name = String(decoding: file, as: UTF8.self)
                exitWorker("runtime.js includes \(name), which is not embedded in the worker (see Runtime/README.md)", code: 4)
            }
            if included.last == newline { included.removeLast() }
            source += included
        }
        guard let text = String(validating: source, as: UTF8.self) else {
            exitWorker("the embedded sandbox runtime is not valid UTF-8", code: 4)
        }
        return text
    }
}
