import CJavaScriptCore
import Glibc

/// Serves requests from the parent one at a time. A request names a realm key when the
/// parent runs warm realms: the call runs in the context kept for that key (a server
/// version with its secrets and limits), built on first use; without one, or for a compile
/// check, in a fresh context used once. New contexts come from a spare the worker builds
/// whenever it is idle. All contexts share one context group. A run is
/// driven on this thread: the tool's promise makes progress while the VM is entered
/// (pending jobs drain before each C API call returns), and between entries the worker
/// blocks on the parent's next fetch reply.
final class Worker {
    static let implementationURL = "implementation.js"
    static let compileCPUMilliseconds: Double = 1000

    private let group: JSContextGroupRef
    private let hostClass: JSClassRef
    private let budget: CPUBudget
    private let channel = FrameChannel()
    /// Parsed once for the process; evaluated into each new realm.
    private let runtimeScript: JSScriptRef
    private let testHooks: Bool
    /// Where requests are parsed: a context no tool ever runs in, so a tool's changes to
    /// its own realm's prototypes cannot reach how the next request is read.
    private let control: Realm
    private var realms = RealmCache()
    /// A context with the runtime installed, built while the worker had nothing to do, for
    /// the next call that needs a new realm: building one is most of a cold call's worker
    /// time. Nothing runs in it before a call claims it.
    private var spare: ToolRealm?

    init(testHooks: Bool) {
        self.testHooks = testHooks
        let group = JSContextGroupCreate()!
        self.group = group
        hostClass = HostObject.makeClass()
        budget = CPUBudget(group: group)
        guard let controlContext = JSGlobalContextCreateInGroup(group, nil) else { fatalProtocolError("cannot create a context") }
        control = Realm(context: controlContext)
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
    /// Dates are warmed too, in the control context no tool runs in: ICU reads the host's zone
    /// and its zone data the first time a date needs them, and under the filter that read is
    /// fatal (SIGSYS). With `TZ` set and ICU's override files off (`Containment.configureEngine`)
    /// nothing else in `Intl` touches a file, which the sandbox tests check.
    func warmUp() {
        budget.begin(milliseconds: Self.compileCPUMilliseconds)
        if case .ready(let realm) = makeRealm(key: nil) {
            _ = withJSString("return [1, 2].map(n => n * 2)") { compile($0, in: realm) }
            realm.discard()
        }
        _ = control.evaluate(Self.localeWarmUp, sourceURL: "warm-up.js")
        budget.end()
        JSGarbageCollect(control.context)
    }

    /// A local-time date and a named zone's long name: the host zone, zone data and zone names.
    static let localeWarmUp = """
        new Date(0).toString() + new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'long' }).format(0)
        """

    func serve() -> Never {
        while true {
            if spare == nil && !channel.hasInput() { prepareSpare() }
            guard var frame = channel.readFrame() else { break }
            handle(frame)
            // The request held the call's secrets; don't leave them in freed memory.
            frame.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        }
        exit(0)
    }

    private func handle(_ frame: [UInt8]) {
        guard let request = control.object(control.parseJSON(frame)),
              let callID = control.number(control.property(request, "call")).map(Int.init)
        else { fatalProtocolError("unreadable request") }
        switch control.string(control.property(request, "type")) {
        case "run": run(request, callID: callID)
        case "compile": compile(request, callID: callID)
        case "fetchResult": return  // the answer to a call that has already ended
        default: fatalProtocolError("unknown request type")
        }
    }

    // MARK: Requests

    private func compile(_ request: JSObjectRef, callID: Int) {
        guard let implementation = control.copiedString(control.property(request, "implementation")) else {
            fatalProtocolError("compile without an implementation")
        }
        defer { JSStringRelease(implementation) }
        budget.begin(milliseconds: Self.compileCPUMilliseconds)
        defer { budget.end() }
        var fields = #""type":"compiled","call":\#(callID)"#
        switch makeRealm(key: nil) {
        case .ready(let realm):
            switch compile(implementation, in: realm) {
            case .success: fields += #","ok":true"#
            case .failure(let failure): fields += failureFields(failure)
            }
            realm.discard()
        case .cpuLimit: fields += failureFields(Failure(kind: .cpuLimit, message: "CPU time limit reached"))
        case .broken: fields += failureFields(Self.brokenRuntime)
        }
        finish(fields)
    }

    private func run(_ request: JSObjectRef, callID: Int) {
        guard let implementation = control.copiedString(control.property(request, "implementation")) else {
            fatalProtocolError("run without an implementation")
        }
        defer { JSStringRelease(implementation) }
        let key = control.copiedString(control.property(request, "realm"))
        defer { if let key { JSStringRelease(key) } }
        let limits = limits(control.object(control.property(request, "limits")))
        budget.begin(milliseconds: limits.cpuMilliseconds)

        let outcome: CallOutcome
        var session: CallSession?
        switch key.flatMap({ realms.take($0) }).map(ToolRealm.Setup.ready) ?? makeRealm(key: key) {
        case .ready(let realm):
            let call = CallSession(id: callID, limits: limits, realm: realm.realm, channel: channel)
            session = call
            outcome = execute(
                implementation,
                arguments: realm.realm.adopt(control.property(request, "arguments"), from: control),
                secrets: realm.realm.adopt(control.property(request, "secrets"), from: control),
                in: realm,
                session: call
            )
            budget.end()
            call.releasePendingFetches()
            realm.detach()
            // Only a call that ended well leaves its realm to the next: one that hit a limit
            // or threw may have left it half-changed.
            if case .failure = outcome {
                realm.discard()
            } else if realm.key == nil || budget.isExceeded {
                realm.discard()
            } else {
                realms.keep(realm)
            }
        case .cpuLimit:
            budget.end()
            outcome = .failure(.cpuLimit, Self.cpuLimitMessage(limits))
        case .broken:
            budget.end()
            outcome = .failure(Self.brokenRuntime.kind, Self.brokenRuntime.message)
        }

        var fields = #""type":"done","call":\#(callID)"#
        switch outcome {
        case .value(let json): fields += #","ok":true,"value":"# + json
        case .content(let json): fields += #","ok":true,"content":true,"value":"# + json
        case .failure(let kind, let message): fields += failureFields(Failure(kind: kind, message: message))
        }
        fields += #","logs":"# + jsonArray(session?.logs ?? [])
        fields += #","droppedLogs":\#(session?.droppedLogs ?? 0)"#
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

    private static let brokenRuntime = Failure(kind: .thrown, message: "The sandbox runtime failed to start")

    /// A realm for `key` (nil: one call or compile check): the spare when there is one.
    private func makeRealm(key: JSStringRef?) -> ToolRealm.Setup {
        if let realm = spare {
            spare = nil
            realm.claim(key)
            return .ready(realm)
        }
        return buildRealm(key: key)
    }

    private func buildRealm(key: JSStringRef?) -> ToolRealm.Setup {
        ToolRealm.make(key: key, group: group, runtime: runtimeScript, hostClass: hostClass, budget: budget, testHooks: testHooks)
    }

    /// Builds the spare under the compile budget. Only when no request is waiting, so a
    /// call never waits for a realm it may not need; under saturation cold calls build
    /// their own, as without a spare.
    private func prepareSpare() {
        budget.begin(milliseconds: Self.compileCPUMilliseconds)
        let setup = buildRealm(key: nil)
        budget.end()
        switch setup {
        case .ready(let realm):
            if testHooks { TestHooks.markPreparedAhead(realm.realm.context) }
            spare = realm
        // The watchdog stopped the runtime's own script: as after a call's CPU-limit stop,
        // the next context could abort the VM, and there is no call to answer with
        // "retire", so the worker leaves and the pool starts another.
        case .cpuLimit: exitWorker("building a spare realm took more than \(Int(Self.compileCPUMilliseconds)) ms of CPU", code: 5)
        // The next call builds its own and answers with the failure.
        case .broken: return
        }
    }

    private func execute(_ implementation: JSStringRef, arguments: JSValueRef, secrets: JSValueRef, in realm: ToolRealm, session: CallSession) -> CallOutcome {
        let function: JSObjectRef
        switch compile(implementation, in: realm) {
        case .success(let value): function = value
        case .failure(let failure): return .failure(failure.kind, failure.message)
        }
        realm.attach(session)
        guard budget.arm() else { return cpuLimitOutcome(session) }
        realm.realm.call(realm.start, [function, arguments, secrets, realm.realm.makeString(Self.implementationURL)])

        while session.outcome == nil && !budget.isExceeded {
            guard session.hasPendingFetches else {
                return .failure(.neverSettled, "The tool's promise never settled: it is waiting for something that cannot happen")
            }
            guard let frame = channel.readFrame() else { exit(0) }
            guard let reply = realm.realm.object(realm.realm.parseJSON(frame)),
                  realm.realm.string(realm.realm.property(reply, "type")) == "fetchResult"
            else { fatalProtocolError("expected a fetch reply") }
            guard budget.arm() else { break }
            _ = session.deliver(reply: reply)
        }
        if budget.isExceeded { return cpuLimitOutcome(session) }
        return session.outcome ?? cpuLimitOutcome(session)
    }

    /// The implementation compiled as the body of an async function, checked to really be
    /// one body (not code that closes the function early and runs at the top level); a
    /// realm compiles each implementation once.
    private func compile(_ source: JSStringRef, in realm: ToolRealm) -> Result<JSObjectRef, Failure> {
        if let function = realm.compiled(source) { return .success(function) }
        let implementation = String(jsString: source)
        guard budget.arm() else { return .failure(Failure(kind: .cpuLimit, message: "CPU time limit reached")) }
        let wrapper = "(async function (args, ctx) {\n" + implementation + "\n})"
        let scope = realm.realm
        switch scope.evaluate(wrapper, sourceURL: Self.implementationURL) {
        case .failure(let thrown):
            if budget.isExceeded { return .failure(Failure(kind: .cpuLimit, message: "CPU time limit reached")) }
            return .failure(syntaxFailure(thrown.value, implementation: implementation, realm: scope))
        case .success(let value):
            guard case .success(let whole) = scope.call(realm.isWholeBody, [value, scope.makeString(wrapper)]),
                  JSValueToBoolean(scope.context, whole),
                  let function = scope.object(value)
            else {
                return .failure(Failure(kind: .syntax, message: "The implementation must be the body of one function; it closes that function early"))
            }
            realm.remember(function, for: source)
            return .success(function)
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
        .failure(.cpuLimit, Self.cpuLimitMessage(session.limits))
    }

    private static func cpuLimitMessage(_ limits: CallLimits) -> String {
        "The tool used more than \(Int(limits.cpuMilliseconds)) ms of CPU time"
    }

    private func failureFields(_ failure: Failure) -> String {
        #","ok":false,"failure":"\#(failure.kind.rawValue)","message":"# + jsonQuoted(failure.message)
    }

    private func limits(_ object: JSObjectRef?) -> CallLimits {
        let realm = control
        var limits = CallLimits()
        guard let object else { return limits }
        if let value = realm.number(realm.property(object, "cpuMilliseconds")), value > 0 { limits.cpuMilliseconds = value }
        if let value = realm.number(realm.property(object, "maxFetches")), value >= 0 { limits.maxFetches = Int(value) }
        if let value = realm.number(realm.property(object, "maxResultBytes")), value > 0 { limits.maxResultBytes = Int(value) }
        if let value = realm.number(realm.property(object, "maxLogLines")), value >= 0 { limits.maxLogLines = Int(value) }
        return limits
    }
}
