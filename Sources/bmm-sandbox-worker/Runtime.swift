/// The JavaScript evaluated into every fresh context before the tool: one function
/// taking the host object and returning `{ start, isWholeBody }`. Its pieces share one
/// strict-mode scope, so nothing but the globals it defines is visible to tools.
enum Runtime {
    static let sourceURL = "bmm-runtime.js"

    static let source = "(function (host) {\n\"use strict\";\n" + encoding + "\n" + url + "\n" + globals + "\n})"
}
