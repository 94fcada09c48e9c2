import CJavaScriptCore
import Glibc

/// Serves requests from the parent one at a time, each in a fresh global context of one
/// shared context group. A run is driven on this thread: the tool's promise makes
/// progress while the VM is entered (pending jobs drain before each C API call
/// returns), and between entries the worker blocks on the parent's next fetch reply.
final class Worker {
    static let implementationURL = "implementation.js"
    static let compileCPUMilliseconds: Double = 1000

    private let group: JSContextGroupRef
    private let hostClass: JSClassRef
    private let budget: CPUBudget
    private let channel = FrameChannel()
    /// Parsed once for the process; evaluated into each fresh context.
    private let runtimeScript: JSScriptRef
    private let testHooks: Bool

    init(testHooks: Bool) {
        self.testHooks = testHooks
        let group = JSContextGroupCreate()!
        self.group = group
        hostClass = HostObject.makeClass()
        budget = CPUBudget(group: group)
        var error: JSStringRef?
        var errorLine: Int32 = 0
        let script = withJSString(Runtime.source) { source in
            withJSString(Runtime.sourceURL) { url in JSScriptCreateFromString(group, url, 1, source, &error, &errorLine) }
        }
        // The runtime is embedded in this binary, so this only fails on a broken build.
        guard let script else {
            let reason = error.map { String(jsString: $0) } ?? "unknown error"
            exitWorker("the embedded sandbox runtime does not parse: \(reason) (line \(errorLine) of the assembled runtime)", code: 4)
        }
        runtimeScript = script
    }

    /// Runs the whole path of a call once before the seccomp filter goes on, so that
    /// what JavaScriptCore does only the first time (reading /proc for stack bounds,
    /// starting its GC and watchdog threads) happens while it still may.
    func warmUp() {
        guard let context = JSGlobalContextCreateInGroup(group, nil) else { fatalProtocolError("cannot create a context") }
        let realm = Realm(context: context)
        let session = CallSession(id: 0, limits: CallLimits(), realm: realm, channel: channel)
        budget.begin(milliseconds: Self.compileCPUMilliseconds)
        if case .success(let prepared) = prepare("return [1, 2].map(n => n * 2)", realm: realm, session: session) {
            HostObject.detach(prepared.host)
        }
        budget.end()
        JSGarbageCollect(context)
        JSGlobalContextRelease(context)
    }

    func serve() -> Never {
        while var frame = channel.readFrame() {
            handle(frame)
            // The request held the call's secrets; don't leave them in freed memory.
            frame.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        }
        exit(0)
    }

    private func handle(_ frame: [UInt8]) {
        guard let context = JSGlobalContextCreateInGroup(group, nil) else { fatalProtocolError("cannot create a context") }
        defer { JSGlobalContextRelease(context) }
        withJSString("eval and the Function constructor are disabled in the sandbox") {
            JSGlobalContextSetEvalEnabled(context, false, $0)
        }
        if testHooks { TestHooks.install(in: context) }
        let realm = Realm(context: context)
        guard let request = realm.object(realm.parseJSON(frame)),
              let callID = realm.number(realm.property(request, "call")).map(Int.init)
        else { fatalProtocolError("unreadable request") }
        switch realm.string(realm.property(request, "type")) {
        case "run": run(request, callID: callID, realm: realm)
        case "compile": compile(request, callID: callID, realm: realm)
        case "fetchResult": return  // the answer to a call that has already ended
        default: fatalProtocolError("unknown request type")
        }
    }

    // MARK: Requests

    private func compile(_ request: JSObjectRef, callID: Int, realm: Realm) {
        guard let implementation = realm.string(realm.property(request, "implementation")) else {
            fatalProtocolError("compile without an implementation")
        }
        let session = CallSession(id: callID, limits: CallLimits(), realm: realm, channel: channel)
        budget.begin(milliseconds: Self.compileCPUMilliseconds)
        defer { budget.end() }
        var fields = #""type":"compiled","call":\#(callID)"#
        switch prepare(implementation, realm: realm, session: session) {
        case .success: fields += #","ok":true"#
        case .failure(let failure): fields += failureFields(failure)
        }
        finish(fields)
    }

    private func run(_ request: JSObjectRef, callID: Int, realm: Realm) {
        guard let implementation = realm.string(realm.property(request, "implementation")) else {
            fatalProtocolError("run without an implementation")
        }
        let session = CallSession(id: callID, limits: limits(realm.object(realm.property(request, "limits")), realm: realm), realm: realm, channel: channel)
        budget.begin(milliseconds: session.limits.cpuMilliseconds)
        let outcome = execute(
            implementation,
            arguments: realm.property(request, "arguments"),
            secrets: realm.property(request, "secrets"),
            realm: realm,
            session: session
        )
        budget.end()
        session.releasePendingFetches()

        var fields = #""type":"done","call":\#(callID)"#
        switch outcome {
        case .value(let json): fields += #","ok":true,"value":"# + json
        case .content(let json): fields += #","ok":true,"content":true,"value":"# + json
        case .failure(let kind, let message): fields += failureFields(Failure(kind: kind, message: message))
        }
        fields += #","logs":"# + jsonArray(session.logs)
        fields += #","droppedLogs":\#(session.droppedLogs)"#
        finish(fields)
    }

    /// Writes the answer. A VM whose script the watchdog terminated can abort when the
    /// next global object is created, so after a CPU-limit stop the worker tells the
    /// parent it is retiring and exits; the parent starts a fresh one.
    private func finish(_ fields: String) {
        let retiring = budget.isExceeded
        channel.writeFrame("{" + fields + (retiring ? #","retire":true}"# : "}"))
        if retiring { exit(0) }
    }

    // MARK: Running a tool

    private struct Failure: Error {
        let kind: FailureKind
        let message: String
    }

    private struct Prepared {
        let runtime: JSObjectRef
        let host: JSObjectRef
        let function: JSObjectRef
    }

    private func execute(_ implementation: String, arguments: JSValueRef, secrets: JSValueRef, realm: Realm, session: CallSession) -> CallOutcome {
        let prepared: Prepared
        switch prepare(implementation, realm: realm, session: session) {
        case .success(let value): prepared = value
        case .failure(let failure): return .failure(failure.kind, failure.message)
        }
        defer { HostObject.detach(prepared.host) }
        guard let start = realm.object(realm.property(prepared.runtime, "start")) else {
            return .failure(.thrown, "The sandbox runtime is missing its driver")
        }
        guard budget.arm() else { return cpuLimitOutcome(session) }
        realm.call(start, [prepared.function, arguments, secrets, realm.makeString(Self.implementationURL)])

        while session.outcome == nil && !budget.isExceeded {
            guard session.hasPendingFetches else {
                return .failure(.neverSettled, "The tool's promise never settled: it is waiting for something that cannot happen")
            }
            guard let frame = channel.readFrame() else { exit(0) }
            guard let reply = realm.object(realm.parseJSON(frame)),
                  realm.string(realm.property(reply, "type")) == "fetchResult"
            else { fatalProtocolError("expected a fetch reply") }
            guard budget.arm() else { break }
            _ = session.deliver(reply: reply)
        }
        if budget.isExceeded { return cpuLimitOutcome(session) }
        return session.outcome ?? cpuLimitOutcome(session)
    }

    /// Installs the runtime and compiles the implementation as the body of an async
    /// function, checking that it really is one body (not code that closes the function
    /// early and runs at the top level).
    private func prepare(_ implementation: String, realm: Realm, session: CallSession) -> Result<Prepared, Failure> {
        let host = HostObject.make(in: realm, class: hostClass, session: session)
        guard budget.arm() else { return .failure(Failure(kind: .cpuLimit, message: "CPU time limit reached")) }
        guard case .success(let installerValue) = realm.evaluate(runtimeScript),
              let installer = realm.object(installerValue),
              case .success(let runtimeValue) = realm.call(installer, [host]),
              let runtime = realm.object(runtimeValue),
              let isWholeBody = realm.object(realm.property(runtime, "isWholeBody"))
        else {
            return .failure(Failure(kind: .thrown, message: "The sandbox runtime failed to start"))
        }
        let wrapper = "(async function (args, ctx) {\n" + implementation + "\n})"
        switch realm.evaluate(wrapper, sourceURL: Self.implementationURL) {
        case .failure(let thrown):
            if budget.isExceeded { return .failure(Failure(kind: .cpuLimit, message: "CPU time limit reached")) }
            return .failure(syntaxFailure(thrown.value, implementation: implementation, realm: realm))
        case .success(let value):
            guard case .success(let whole) = realm.call(isWholeBody, [value, realm.makeString(wrapper)]),
                  JSValueToBoolean(realm.context, whole),
                  let function = realm.object(value)
            else {
                return .failure(Failure(kind: .syntax, message: "The implementation must be the body of one function; it closes that function early"))
            }
            return .success(Prepared(runtime: runtime, host: host, function: function))
        }
    }

    private func syntaxFailure(_ exception: JSValueRef, implementation: String, realm: Realm) -> Failure {
        let description = realm.swiftString(exception) ?? "SyntaxError"
        guard let error = realm.object(exception),
              realm.string(realm.property(error, "name")) == "SyntaxError"
        else {
            return Failure(kind: .syntax, message: "The implementation could not be compiled: \(description)")
        }
        let message = realm.string(realm.property(error, "message")) ?? description
        guard let wrapperLine = realm.number(realm.property(error, "line")) else {
            return Failure(kind: .syntax, message: message)
        }
        // Line 1 of the wrapper is `(async function (args, ctx) {` and its last line is
        // the `})` closing it: an error found there means the body left something open.
        let bodyLines = implementation.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        if Int(wrapperLine) > bodyLines + 1 {
            return Failure(kind: .syntax, message: "Line \(bodyLines): the implementation ends before every bracket, brace, string or comment is closed")
        }
        return Failure(kind: .syntax, message: "Line \(max(Int(wrapperLine) - 1, 1)): \(message)")
    }

    private func cpuLimitOutcome(_ session: CallSession) -> CallOutcome {
        .failure(.cpuLimit, "The tool used more than \(Int(session.limits.cpuMilliseconds)) ms of CPU time")
    }

    private func failureFields(_ failure: Failure) -> String {
        #","ok":false,"failure":"\#(failure.kind.rawValue)","message":"# + jsonQuoted(failure.message)
    }

    private func limits(_ object: JSObjectRef?, realm: Realm) -> CallLimits {
        var limits = CallLimits()
        guard let object else { return limits }
        if let value = realm.number(realm.property(object, "cpuMilliseconds")), value > 0 { limits.cpuMilliseconds = value }
        if let value = realm.number(realm.property(object, "maxFetches")), value >= 0 { limits.maxFetches = Int(value) }
        if let value = realm.number(realm.property(object, "maxResultBytes")), value > 0 { limits.maxResultBytes = Int(value) }
        if let value = realm.number(realm.property(object, "maxLogLines")), value >= 0 { limits.maxLogLines = Int(value) }
        return limits
    }
}
