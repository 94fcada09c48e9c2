/// The JavaScript evaluated into every fresh context before the tool: one function
/// taking the host object and returning `{ start, isWholeBody }`. Its pieces share one
/// strict-mode scope, so nothing but the globals it defines is visible to tools.
enum Runtime {
    static let sourceURL = "bmm-runtime.js"

    static let source = "(function (host) {\n\"use strict\";\n" + encoding + "\n" + lazyURL + "\n" + globals + "\n})"

    /// URL and URLSearchParams are the largest part of the runtime and most tools never
    /// touch them, so their code runs (and is linked into the fresh context) only on first use.
    static let lazyURL = "let urlModule;\nconst loadURLModule = () => urlModule ??= (function () {\n" + url
        + "\nreturn { URL, URLSearchParams };\n})();"
}
