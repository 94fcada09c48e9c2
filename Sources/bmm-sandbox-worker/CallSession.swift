import CJavaScriptCore

struct CallLimits {
    var cpuMilliseconds: Double = 1000
    var maxFetches = 20
    var maxResultBytes = 1 << 20
    var maxLogLines = 100

    // The parent redacts secrets in cut texts by these sizes (`WorkerTextCut` in the Sandbox module).
    static let maxLogLineBytes = 4096
    static let maxMessageBytes = 8192
}

enum FailureKind: String {
    case thrown
    case syntax
    case cpuLimit = "cpu_limit"
    case resultTooLarge = "result_too_large"
    case invalidResult = "invalid_result"
    case neverSettled = "never_settled"
    case tooManyFetches = "too_many_fetches"
}

enum CallOutcome {
    /// JSON text of the tool's return value.
    case value(String)
    /// JSON text of the array of `ctx.content` items (and plain values) the tool returned.
    case content(String)
    case failure(FailureKind, String)
}

/// State of the one call the worker is running: what the host functions given to the
/// runtime read and write. Dropped when the call ends; the realm may stay for the next call.
final class CallSession {
    let id: Int
    let limits: CallLimits
    let realm: Realm
    let channel: FrameChannel

    private(set) var logs: [String] = []
    private(set) var droppedLogs = 0
    private(set) var fetchCount = 0
    private var fetchLimitMessage: String?
    private(set) var outcome: CallOutcome?
    /// Fetches sent to the parent and not yet answered, by fetch id.
    private var pending: [Int: (resolve: JSObjectRef, reject: JSObjectRef)] = [:]

    init(id: Int, limits: CallLimits, realm: Realm, channel: FrameChannel) {
        self.id = id
        self.limits = limits
        self.realm = realm
        self.channel = channel
    }

    var hasPendingFetches: Bool { !pending.isEmpty }

    func finish(_ outcome: CallOutcome) {
        self.outcome = outcome
    }

    // MARK: Host functions

    /// Sends the request to the parent and returns a promise settled when its reply
    /// arrives; throws (rejecting the tool's `ctx.fetch`) once the fetch budget is spent.
    func fetch(requestJSON: JSValueRef?) throws(HostError) -> JSValueRef {
        // Re-parsed so a tool that patches JSON.stringify cannot break the frame.
        guard let text = realm.string(requestJSON), realm.object(parseRequest(text)) != nil else {
            throw HostError("ctx.fetch received a request it could not encode")
        }
        fetchCount += 1
        guard fetchCount <= limits.maxFetches else {
            let message = "ctx.fetch was called more than \(limits.maxFetches) times; that is the limit per call"
            fetchLimitMessage = message
            throw HostError(message)
        }
        var resolve: JSObjectRef?
        var reject: JSObjectRef?
        guard let promise = JSObjectMakeDeferredPromise(realm.context, &resolve, &reject, nil), let resolve, let reject else {
            throw HostError("ctx.fetch could not create a promise")
        }
        JSValueProtect(realm.context, resolve)
        JSValueProtect(realm.context, reject)
        let fetchID = fetchCount
        pending[fetchID] = (resolve, reject)
        channel.writeFrame(#"{"type":"fetch","call":\#(id),"id":\#(fetchID),"request":\#(text)}"#)
        return promise
    }

    /// Progress updates sent to the parent so far; past `maxProgressUpdates` they are dropped
    /// (a tool reporting in a tight loop must not flood the channel).
    private var progressUpdates = 0
    static let maxProgressUpdates = 1000

    /// Passes `ctx.progress`'s update (JSON the runtime built and checked) to the parent at once:
    /// the client sees it while the call is still running.
    func progress(updateJSON: JSValueRef?) {
        guard progressUpdates < Self.maxProgressUpdates, let updateJSON,
              let copy = JSValueToStringCopy(realm.context, updateJSON, nil) else { return }
        defer { JSStringRelease(copy) }
        progressUpdates += 1
        let text = String(jsString: copy, maxUTF16Units: 4096)
        channel.writeFrame(#"{"type":"progress","call":\#(id),"update":\#(text)}"#)
    }

    func log(_ value: JSValueRef?) {
        guard logs.count < limits.maxLogLines else {
            droppedLogs += 1
            return
        }
        guard let value, let copy = JSValueToStringCopy(realm.context, value, nil) else { return }
        defer { JSStringRelease(copy) }
        // One unit more than fits, so that `truncated` sees a longer line as too long and marks the cut.
        let line = String(jsString: copy, maxUTF16Units: CallLimits.maxLogLineBytes + 1)
        logs.append(truncated(line, toUTF8Bytes: CallLimits.maxLogLineBytes))
    }

    /// Records how the tool's promise settled: `value` is the return value when
    /// `fulfilled`, else the runtime's description of what was thrown. `isContent` marks
    /// the array of `ctx.content` items the runtime collected from the return value.
    func settle(fulfilled: Bool, value: JSValueRef?, isContent: Bool = false) {
        guard outcome == nil else { return }
        guard fulfilled else {
            let message = truncated(realm.string(value) ?? "The tool failed", toUTF8Bytes: CallLimits.maxMessageBytes)
            outcome = .failure(message == fetchLimitMessage ? .tooManyFetches : .thrown, message)
            return
        }
        let serialised = serialise(value ?? JSValueMakeUndefined(realm.context))
        if isContent, case .value(let json) = serialised {
            outcome = .content(json)
        } else {
            outcome = serialised
        }
    }

    func randomBytes(count: JSValueRef?) throws(HostError) -> JSValueRef {
        guard let requested = realm.number(count), requested >= 0, requested <= 65536 else {
            throw HostError("at most 65536 random bytes can be requested at a time")
        }
        let length = Int(requested)
        guard let array = JSObjectMakeTypedArray(realm.context, kJSTypedArrayTypeUint8Array, length, nil) else {
            throw HostError("could not allocate random bytes")
        }
        if length > 0, let bytes = JSObjectGetTypedArrayBytesPtr(realm.context, array, nil) {
            var generator = SystemRandomNumberGenerator()
            let target = bytes.bindMemory(to: UInt8.self, capacity: length)
            for index in 0..<length {
                target[index] = UInt8.random(in: .min ... .max, using: &generator)
            }
        }
        return array
    }

    // MARK: Driving fetches

    /// Settles the promise of an answered fetch; false for a reply that is not ours.
    func deliver(reply: JSObjectRef) -> Bool {
        guard realm.number(realm.property(reply, "call")) == Double(id),
              let fetchID = realm.number(realm.property(reply, "id")),
              let entry = pending.removeValue(forKey: Int(fetchID))
        else { return false }
        defer {
            JSValueUnprotect(realm.context, entry.resolve)
            JSValueUnprotect(realm.context, entry.reject)
        }
        if let message = realm.string(realm.property(reply, "error")) {
            realm.call(entry.reject, [realm.makeError(message)])
        } else {
            realm.call(entry.resolve, [realm.property(reply, "response")])
        }
        return true
    }

    func releasePendingFetches() {
        for entry in pending.values {
            JSValueUnprotect(realm.context, entry.resolve)
            JSValueUnprotect(realm.context, entry.reject)
        }
        pending.removeAll()
    }

    // MARK: Results

    private func serialise(_ value: JSValueRef) -> CallOutcome {
        let context = realm.context
        if JSValueIsUndefined(context, value) || JSValueIsNull(context, value) {
            return .value("null")
        }
        if JSValueIsString(context, value) {
            guard let copy = JSValueToStringCopy(context, value, nil) else { return .value("null") }
            defer { JSStringRelease(copy) }
            guard JSStringGetLength(copy) <= limits.maxResultBytes else { return tooLarge() }
            let text = String(jsString: copy)
            guard text.utf8.count <= limits.maxResultBytes else { return tooLarge() }
            return .value(jsonQuoted(text))
        }
        var exception: JSValueRef?
        guard let json = JSValueCreateJSONString(context, value, 0, &exception) else {
            if let exception {
                let reason = realm.swiftString(exception) ?? "unknown error"
                return .failure(.invalidResult, "The return value cannot be converted to JSON: \(reason)")
            }
            return .failure(.invalidResult, "The tool returned a function or symbol, which has no JSON form")
        }
        defer { JSStringRelease(json) }
        // UTF-8 never takes fewer bytes than UTF-16 code units, so this rejects early.
        guard JSStringGetLength(json) <= limits.maxResultBytes else { return tooLarge() }
        let text = String(jsString: json)
        guard text.utf8.count <= limits.maxResultBytes else { return tooLarge() }
        return .value(text)
    }

    private func tooLarge() -> CallOutcome {
        .failure(.resultTooLarge, "The return value is larger than \(limits.maxResultBytes) bytes")
    }

    private func parseRequest(_ text: String) -> JSValueRef? {
        withJSString(text) { JSValueMakeFromJSONString(realm.context, $0) }
    }
}

struct HostError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func truncated(_ text: String, toUTF8Bytes limit: Int) -> String {
    guard text.utf8.count > limit else { return text }
    var result = ""
    var bytes = 0
    for character in text {
        bytes += character.utf8.count
        if bytes > limit - 3 { break }
        result.append(character)
    }
    return result + "…"
}
