/// The constructs `CodeScanner` refuses, each matched in the view of the source where it
/// can be told apart from ordinary text (see `JavaScriptSource`).
struct CodeRule: Sendable {
    enum View: Sendable {
        /// Literal contents blanked: for names and calls.
        case code
        /// Literals kept: for rules that need a string's content.
        case literals
    }

    let kind: CodeFindingKind
    let view: View
    let regex: CompiledRegex
    let message: String

    init(_ kind: CodeFindingKind, _ view: View, _ pattern: String, _ message: String) {
        self.kind = kind
        self.view = view
        regex = CompiledRegex(trusted: pattern)
        self.message = message
    }

    /// Not preceded by a character of a longer name, nor by `.` (a property of the same name
    /// on some other object is fine).
    private static let name = #"(?<![A-Za-z0-9_$.])"#
    /// Not preceded by a character of a longer name.
    private static let word = #"(?<![A-Za-z0-9_$])"#
    private static let quote = #"["'`]"#

    static let all: [CodeRule] = [
        CodeRule(
            .eval, .code, word + #"eval\s*(?:\(|\)|,)"#,
            "eval() is not allowed in tool code; parse JSON with JSON.parse instead"
        ),
        CodeRule(
            .functionConstructor, .code, word + #"Function\s*\("#,
            "the Function constructor is not allowed in tool code; it turns strings into code like eval() — write the function directly"
        ),
        CodeRule(
            .functionConstructor, .code, #"\.\s*constructor\s*\("#,
            "calling .constructor(…) is not allowed in tool code; on a function it reaches the Function constructor, which turns strings into code"
        ),
        CodeRule(
            .functionConstructor, .code, #"\)\s*\.\s*constructor\b"#,
            "reading .constructor of a function expression is not allowed in tool code; it reaches the Function constructor, which turns strings into code"
        ),
        CodeRule(
            .functionConstructor, .literals, #"\[\s*"# + quote + #"constructor"# + quote + #"\s*\]\s*\("#,
            "calling [\"constructor\"](…) is not allowed in tool code; on a function it reaches the Function constructor, which turns strings into code"
        ),
        CodeRule(
            .dynamicImport, .code, name + #"import\s*\("#,
            "import() is not allowed in tool code; modules cannot be loaded — use the built-in globals and ctx.fetch"
        ),
        CodeRule(
            .stringTimer, .literals, word + #"(?:setTimeout|setInterval)\s*\(\s*"# + quote,
            "setTimeout/setInterval with a string is not allowed; the string would run like eval(), and timers do not exist in tool code anyway"
        ),
        CodeRule(
            .hostAccess, .code, name + #"process\s*(?:\.|\[)"#,
            "process is not available in tool code; read secrets with ctx.secrets"
        ),
        CodeRule(
            .hostAccess, .code, #"globalThis\s*\.\s*process\b"#,
            "globalThis.process is not available in tool code; read secrets with ctx.secrets"
        ),
        CodeRule(
            .hostAccess, .code, name + #"require\s*\("#,
            "require() is not available in tool code; modules cannot be loaded — use the built-in globals and ctx.fetch"
        ),
        CodeRule(
            .hostAccess, .literals, #"(?<![A-Za-z0-9_$])child_process\b"#,
            "child_process is not available in tool code; tools cannot start programs"
        ),
        CodeRule(
            .hostAccess, .code, name + #"fs\s*\.\s*[A-Za-z_$]"#,
            "the file system (fs) is not available in tool code; return data instead of writing files"
        ),
        CodeRule(
            .hostAccess, .literals, #"\bfrom\s*["'](?:node:)?fs(?:/promises)?["']"#,
            "the file system (fs) is not available in tool code; return data instead of writing files"
        ),
        CodeRule(
            .hostAccess, .code, name + #"(?:Deno|Bun)\s*\.\s*[A-Za-z_$]"#,
            "Deno and Bun APIs are not available in tool code; use ctx.fetch for the network and ctx.secrets for secrets"
        ),
        CodeRule(
            .prototypePollution, .literals, #"__proto__"#,
            "__proto__ is not allowed in tool code; changing prototypes can alter every object (prototype pollution)"
        ),
        CodeRule(
            .prototypePollution, .code, #"\bconstructor\s*\.\s*prototype\b"#,
            "constructor.prototype is not allowed in tool code; changing prototypes can alter every object (prototype pollution)"
        ),
        CodeRule(
            .prototypePollution, .literals,
            #"\[\s*["'`]constructor["'`]\s*\]\s*(?:\.\s*prototype\b|\[\s*["'`]prototype["'`])"#,
            "constructor.prototype is not allowed in tool code; changing prototypes can alter every object (prototype pollution)"
        ),
        CodeRule(
            .prototypePollution, .code,
            word + #"(?:Object|Array|String|Number|Boolean|Function|Promise)\s*\.\s*prototype\s*(?:\.\s*[A-Za-z_$][A-Za-z0-9_$]*|\[[^\]\n]*\])?\s*(?:=(?!=)|\+=)"#,
            "assigning to a built-in prototype is not allowed in tool code; it changes every object (prototype pollution)"
        ),
        CodeRule(
            .prototypePollution, .code,
            #"Object\s*\.\s*(?:defineProperty|defineProperties|assign|setPrototypeOf)\s*\(\s*(?:Object|Array|String|Number|Boolean|Function|Promise)\s*\.\s*prototype\b"#,
            "changing a built-in prototype is not allowed in tool code; it changes every object (prototype pollution)"
        ),
    ]
}
