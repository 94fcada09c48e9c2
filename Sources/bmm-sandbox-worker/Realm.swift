import CJavaScriptCore

/// One global context and the handful of C API calls the worker needs, with exceptions
/// surfaced as Swift values instead of out-parameters.
struct Realm {
    let context: JSGlobalContextRef

    /// A thrown JavaScript value; it never leaves the worker's single thread.
    struct Thrown: Error, @unchecked Sendable {
        let value: JSValueRef
    }

    func evaluate(_ source: String, sourceURL: String) -> Result<JSValueRef, Thrown> {
        var exception: JSValueRef?
        let value = withJSString(source) { script in
            withJSString(sourceURL) { url in JSEvaluateScript(context, script, nil, url, 1, &exception) }
        }
        if let exception { return .failure(Thrown(value: exception)) }
        return .success(value ?? JSValueMakeUndefined(context))
    }

    func evaluate(_ script: JSScriptRef) -> Result<JSValueRef, Thrown> {
        var exception: JSValueRef?
        let value = JSScriptEvaluate(context, script, nil, &exception)
        if let exception { return .failure(Thrown(value: exception)) }
        return .success(value ?? JSValueMakeUndefined(context))
    }

    @discardableResult
    func call(_ function: JSObjectRef, this: JSObjectRef? = nil, _ arguments: [JSValueRef?]) -> Result<JSValueRef, Thrown> {
        var exception: JSValueRef?
        let value = arguments.withUnsafeBufferPointer { buffer in
            JSObjectCallAsFunction(context, function, this, buffer.count, buffer.baseAddress, &exception)
        }
        if let exception { return .failure(Thrown(value: exception)) }
        return .success(value ?? JSValueMakeUndefined(context))
    }

    /// Parses a NUL-terminated UTF-8 JSON frame without touching the script-visible JSON object.
    func parseJSON(_ nulTerminated: [UInt8]) -> JSValueRef? {
        let text = nulTerminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                JSStringCreateWithUTF8CString($0)
            }
        }
        defer { JSStringRelease(text) }
        return JSValueMakeFromJSONString(context, text)
    }

    func object(_ value: JSValueRef?) -> JSObjectRef? {
        guard let value, JSValueIsObject(context, value) else { return nil }
        return JSValueToObject(context, value, nil)
    }

    func property(_ object: JSObjectRef, _ name: String) -> JSValueRef {
        withJSString(name) { JSObjectGetProperty(context, object, $0, nil) } ?? JSValueMakeUndefined(context)
    }

    func string(_ value: JSValueRef?) -> String? {
        guard let value, JSValueIsString(context, value) else { return nil }
        return swiftString(value)
    }

    /// The string itself, retained (release it), for comparisons without Swift's Unicode machinery.
    func copiedString(_ value: JSValueRef?) -> JSStringRef? {
        guard let value, JSValueIsString(context, value) else { return nil }
        return JSValueToStringCopy(context, value, nil)
    }

    /// A copy made in this context of a JSON value read in `other`: its objects get this
    /// context's prototypes, so a tool changing them reaches nothing outside its realm.
    func adopt(_ value: JSValueRef, from other: Realm) -> JSValueRef {
        guard let json = JSValueCreateJSONString(other.context, value, 0, nil) else { return JSValueMakeUndefined(context) }
        defer { JSStringRelease(json) }
        return JSValueMakeFromJSONString(context, json) ?? JSValueMakeUndefined(context)
    }

    func number(_ value: JSValueRef?) -> Double? {
        guard let value, JSValueIsNumber(context, value) else { return nil }
        return JSValueToNumber(context, value, nil)
    }

    /// Any value converted with JavaScript's String(); nil if that conversion throws.
    func swiftString(_ value: JSValueRef) -> String? {
        guard let copy = JSValueToStringCopy(context, value, nil) else { return nil }
        defer { JSStringRelease(copy) }
        return String(jsString: copy)
    }

    func makeString(_ text: String) -> JSValueRef {
        withJSString(text) { JSValueMakeString(context, $0) }
    }

    func makeError(_ message: String) -> JSValueRef {
        var argument: JSValueRef? = makeString(message)
        return JSObjectMakeError(context, 1, &argument, nil)
    }
}

/// A JSStringRef holding `text` for the duration of `body`.
func withJSString<T>(_ text: String, _ body: (JSStringRef) -> T) -> T {
    let units = Array(text.utf16)
    let string = units.withUnsafeBufferPointer { JSStringCreateWithCharacters($0.baseAddress, $0.count)! }
    defer { JSStringRelease(string) }
    return body(string)
}

extension String {
    /// Decodes UTF-16 from JavaScriptCore; lone surrogates become U+FFFD.
    init(jsString: JSStringRef, maxUTF16Units: Int = .max) {
        let length = Swift.min(JSStringGetLength(jsString), maxUTF16Units)
        guard length > 0, let characters = JSStringGetCharactersPtr(jsString) else {
            self = ""
            return
        }
        self = String(decoding: UnsafeBufferPointer(start: characters, count: length), as: UTF16.self)
    }
}
