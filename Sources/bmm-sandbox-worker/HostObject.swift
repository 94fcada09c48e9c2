import CJavaScriptCore
import Glibc

/// The object through which the runtime script reaches the worker. Only the runtime's
/// closures hold it; tool code never sees it. Its private pointer is the CallSession of
/// the call in progress, set when the call starts and cleared when it ends.
enum HostObject {
    static func makeClass() -> JSClassRef {
        let functions: [(String, JSObjectCallAsFunctionCallback)] = [
            ("fetch", hostFetch),
            ("log", hostLog),
            ("settle", hostSettle),
            ("randomBytes", hostRandomBytes),
            ("progress", hostProgress),
        ]
        // The class lives as long as the process, so its tables are never freed.
        let table = UnsafeMutablePointer<JSStaticFunction>.allocate(capacity: functions.count + 1)
        let attributes = JSPropertyAttributes(kJSPropertyAttributeReadOnly | kJSPropertyAttributeDontDelete | kJSPropertyAttributeDontEnum)
        for (index, (name, callback)) in functions.enumerated() {
            table[index] = JSStaticFunction(name: UnsafePointer(strdup(name)), callAsFunction: callback, attributes: attributes)
        }
        table[functions.count] = JSStaticFunction(name: nil, callAsFunction: nil, attributes: 0)
        var definition = kJSClassDefinitionEmpty
        definition.className = UnsafePointer(strdup("Host"))
        definition.staticFunctions = UnsafePointer(table)
        return JSClassCreate(&definition)
    }

    static func make(in realm: Realm, class hostClass: JSClassRef) -> JSObjectRef {
        JSObjectMake(realm.context, hostClass, nil)
    }

    static func attach(_ host: JSObjectRef, to session: CallSession) {
        JSObjectSetPrivate(host, Unmanaged.passUnretained(session).toOpaque())
    }

    static func detach(_ host: JSObjectRef) {
        JSObjectSetPrivate(host, nil)
    }
}

private func session(of this: JSObjectRef?) -> CallSession? {
    guard let this, let raw = JSObjectGetPrivate(this) else { return nil }
    return Unmanaged<CallSession>.fromOpaque(raw).takeUnretainedValue()
}

private func argument(_ index: Int, _ count: Int, _ arguments: UnsafePointer<JSValueRef?>?) -> JSValueRef? {
    guard index < count, let arguments else { return nil }
    return arguments[index]
}

private func fail(_ context: JSContextRef?, _ exception: UnsafeMutablePointer<JSValueRef?>?, _ message: String) -> JSValueRef? {
    var text: JSValueRef? = withJSString(message) { JSValueMakeString(context, $0) }
    exception?.pointee = JSObjectMakeError(context, 1, &text, nil)
    return JSValueMakeUndefined(context)
}

private let hostFetch: JSObjectCallAsFunctionCallback = { context, _, this, count, arguments, exception in
    guard let session = session(of: this) else { return fail(context, exception, "ctx.fetch is not available after the call ended") }
    do throws(HostError) {
        return try session.fetch(requestJSON: argument(0, count, arguments))
    } catch {
        return fail(context, exception, error.message)
    }
}

private let hostLog: JSObjectCallAsFunctionCallback = { context, _, this, count, arguments, _ in
    session(of: this)?.log(argument(0, count, arguments))
    return JSValueMakeUndefined(context)
}

private let hostSettle: JSObjectCallAsFunctionCallback = { context, _, this, count, arguments, _ in
    let fulfilled = argument(0, count, arguments).map { JSValueToBoolean(context, $0) } ?? false
    let isContent = argument(2, count, arguments).map { JSValueToBoolean(context, $0) } ?? false
    session(of: this)?.settle(fulfilled: fulfilled, value: argument(1, count, arguments), isContent: isContent)
    return JSValueMakeUndefined(context)
}

private let hostProgress: JSObjectCallAsFunctionCallback = { context, _, this, count, arguments, _ in
    session(of: this)?.progress(updateJSON: argument(0, count, arguments))
    return JSValueMakeUndefined(context)
}

private let hostRandomBytes: JSObjectCallAsFunctionCallback = { context, _, this, count, arguments, exception in
    guard let session = session(of: this) else { return fail(context, exception, "crypto is not available after the call ended") }
    do throws(HostError) {
        return try session.randomBytes(count: argument(0, count, arguments))
    } catch {
        return fail(context, exception, error.message)
    }
}
