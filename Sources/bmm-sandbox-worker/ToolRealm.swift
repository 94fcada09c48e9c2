import CJavaScriptCore
import Glibc

/// A global context with the runtime installed and the tools compiled so far. Without a
/// key it serves one call (or one compile check); with one (a server version, its secrets
/// and limits, as the parent derived it) it is kept in the `RealmCache` and serves that
/// key's later calls: module-level state persists between them, as it would in one
/// long-lived process of that server, and never reaches another key.
final class ToolRealm {
    let realm: Realm
    /// The key's UTF-16 units. Texts from a request are copied, never kept as JSStringRefs:
    /// JavaScriptCore shares a copied string's storage with the request's heap, and a worker
    /// that kept short ones (which the JSON parser atomizes) across requests crashed.
    private(set) var key: [UInt16]?
    let start: JSObjectRef
    let isWholeBody: JSObjectRef
    /// The runtime's handle on the worker; it points at the running call's session only
    /// while that call runs.
    private let host: JSObjectRef
    /// Compiled tool functions by their implementation's text (a server's handful).
    private var tools: [(implementation: [UInt16], function: JSObjectRef)] = []
    private(set) var calls = 0
    private(set) var lastUsed = monotonicSeconds()

    enum Setup {
        case ready(ToolRealm)
        case cpuLimit
        case broken
    }

    /// Creates the context and evaluates the runtime into it; `budget` must have begun.
    static func make(key: JSStringRef?, group: JSContextGroupRef, runtime: JSScriptRef, hostClass: JSClassRef, budget: CPUBudget, testHooks: Bool) -> Setup {
        guard let context = JSGlobalContextCreateInGroup(group, nil) else { fatalProtocolError("cannot create a context") }
        withJSString("eval and the Function constructor are disabled in the sandbox") {
            JSGlobalContextSetEvalEnabled(context, false, $0)
        }
        if testHooks { TestHooks.install(in: context) }
        let realm = Realm(context: context)
        let host = HostObject.make(in: realm, class: hostClass)
        guard budget.arm() else {
            JSGlobalContextRelease(context)
            return .cpuLimit
        }
        guard case .success(let installerValue) = realm.evaluate(runtime),
              let installer = realm.object(installerValue),
              case .success(let runtimeValue) = realm.call(installer, [host]),
              let installed = realm.object(runtimeValue),
              let start = realm.object(realm.property(installed, "start")),
              let isWholeBody = realm.object(realm.property(installed, "isWholeBody"))
        else {
            JSGlobalContextRelease(context)
            return budget.isExceeded ? .cpuLimit : .broken
        }
        return .ready(ToolRealm(realm: realm, key: key, host: host, start: start, isWholeBody: isWholeBody))
    }

    private init(realm: Realm, key: JSStringRef?, host: JSObjectRef, start: JSObjectRef, isWholeBody: JSObjectRef) {
        self.realm = realm
        self.key = key.map(utf16Units)
        self.host = host
        self.start = start
        self.isWholeBody = isWholeBody
        // Held only from Swift between calls: protected from the collector until discarded.
        for object in [host, start, isWholeBody] { JSValueProtect(realm.context, object) }
    }

    /// A spare built ahead serves `key` from now on (nil: one call or compile check).
    func claim(_ key: JSStringRef?) {
        self.key = key.map(utf16Units)
        lastUsed = monotonicSeconds()
    }

    func holds(_ other: JSStringRef) -> Bool {
        guard let key else { return false }
        return equal(key, other)
    }

    func compiled(_ implementation: JSStringRef) -> JSObjectRef? {
        tools.first { equal($0.implementation, implementation) }?.function
    }

    func remember(_ function: JSObjectRef, for implementation: JSStringRef) {
        JSValueProtect(realm.context, function)
        tools.append((utf16Units(implementation), function))
    }

    /// Points the runtime's host functions at `session` for the call about to run.
    func attach(_ session: CallSession) {
        HostObject.attach(host, to: session)
        calls += 1
        lastUsed = monotonicSeconds()
    }

    /// After the call: host functions a tool kept (in module state, or a promise left
    /// pending) find no session until the next call attaches its own.
    func detach() {
        HostObject.detach(host)
    }

    /// Releases the context; nothing of it may be used afterwards.
    func discard() {
        detach()
        let context = realm.context
        for object in [host, start, isWholeBody] { JSValueUnprotect(context, object) }
        for tool in tools {
            JSValueUnprotect(context, tool.function)
        }
        tools.removeAll()
        JSGlobalContextRelease(context)
    }
}

private func utf16Units(_ string: JSStringRef) -> [UInt16] {
    Array(UnsafeBufferPointer(start: JSStringGetCharactersPtr(string), count: JSStringGetLength(string)))
}

private func equal(_ units: [UInt16], _ string: JSStringRef) -> Bool {
    units.count == JSStringGetLength(string)
        && units.elementsEqual(UnsafeBufferPointer(start: JSStringGetCharactersPtr(string), count: units.count))
}

func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
