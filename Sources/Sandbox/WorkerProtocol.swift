import Core
import Foundation

/// The conversation with bmm-sandbox-worker over its stdin/stdout: frames of a 4-byte
/// big-endian length followed by UTF-8 JSON. Every frame carries the `call` number it
/// belongs to, so a late fetch reply can never land in a later call.
///
/// Parent → worker:
///   {"type":"run","call":N,"realm":"…"|null,"implementation":…,"arguments":…,"secrets":{…},"limits":{…}}
///     `realm` (a `RealmKey`) lets the worker run the call in the context it keeps for that key;
///     null asks for a fresh context used once.
///   {"type":"compile","call":N,"implementation":…}
///   {"type":"fetchResult","call":N,"id":K,"response":{status,statusText,url,redirected,headers,body},"error":null}
///   {"type":"fetchResult","call":N,"id":K,"response":null,"error":"message"}
/// Worker → parent:
///   {"type":"fetch","call":N,"id":K,"request":{url,method,headers:[[name,value]],body,bodyEncoding,redirect}}
///   {"type":"done","call":N,"ok":true,"value":…,"logs":[…],"droppedLogs":D}
///   {"type":"done","call":N,"ok":true,"content":true,"value":[…],…} when the tool returned ctx.content items
///   {"type":"done","call":N,"ok":false,"failure":"thrown|syntax|cpu_limit|…","message":…,"logs":[…],…}
///   {"type":"compiled","call":N,"ok":true} or with "ok":false,"failure","message"
///   {"type":"progress","call":N,"update":{"progress":P,"total":T,"message":…}}
///   Either answer may end with "retire":true: the worker exits right after it.
enum WorkerProtocol {
    /// Results and logs are capped well below this; a bigger frame means a broken worker.
    static let maxFrameBytes = 64 << 20

    /// A message as a frame, written with Core's JSON writer (no Foundation encoder: a run frame
    /// goes out on every call, a fetch result with every response body).
    static func frame(_ message: some WorkerFrame) -> [UInt8] {
        let payload = Array(message.json.compactText.utf8)
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
    }

    static func decode(_ payload: [UInt8]) -> WorkerMessage? {
        guard let json = try? JSONValue.parse(payload), let raw = RawWorkerFrame(json: json) else { return nil }
        switch raw.type {
        case "fetch":
            guard let id = raw.id, let request = raw.request else { return nil }
            return .fetch(call: raw.call, id: id, request: request)
        case "done":
            return .done(call: raw.call, WorkerResult(raw))
        case "compiled":
            return .compiled(call: raw.call, WorkerResult(raw))
        case "progress":
            guard let update = json["update"], let done = update["progress"]?.numberValue, done.isFinite else { return nil }
            let total = update["total"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
            return .progress(call: raw.call, SandboxProgress(progress: done, total: total, message: update["message"]?.stringValue))
        default:
            return nil
        }
    }
}

enum WorkerMessage: Sendable {
    case fetch(call: Int, id: Int, request: WorkerFetchRequest)
    case done(call: Int, WorkerResult)
    case compiled(call: Int, WorkerResult)
    case progress(call: Int, SandboxProgress)
}

struct WorkerResult: Sendable {
    var value: Result<JSONValue, WorkerFailure>
    var logs: [String]
    var droppedLogs: Int
    var isContent: Bool
    /// The worker exits after this answer (its VM was stopped by the CPU watchdog).
    var retiring: Bool

    init(_ raw: RawWorkerFrame) {
        if raw.ok == true {
            value = .success(raw.value ?? .null)
        } else {
            value = .failure(WorkerFailure(kind: raw.failure ?? "thrown", message: raw.message ?? "The tool failed"))
        }
        logs = raw.logs ?? []
        droppedLogs = raw.droppedLogs ?? 0
        isContent = raw.ok == true && raw.content == true
        retiring = raw.retire ?? false
    }
}

struct WorkerFailure: Error, Sendable {
    var kind: String
    var message: String
}

struct WorkerFetchRequest: Sendable {
    var url: String
    var method: String
    var headers: [[String]]
    var body: String?
    var bodyEncoding: String?
    var redirect: String

    init?(json: JSONValue) {
        guard let url = json["url"]?.stringValue, let method = json["method"]?.stringValue,
              let headers = json["headers"]?.arrayValue?.map({ $0.arrayValue?.compactMap(\.stringValue) }),
              !headers.contains(where: { $0 == nil }),
              let body = RawWorkerFrame.optional(json, "body", \.stringValue),
              let bodyEncoding = RawWorkerFrame.optional(json, "bodyEncoding", \.stringValue),
              let redirect = RawWorkerFrame.optional(json, "redirect", \.stringValue)
        else { return nil }
        self.redirect = redirect ?? "follow"
        self.url = url
        self.method = method
        self.headers = headers.map { $0! }
        self.body = body
        self.bodyEncoding = bodyEncoding
    }
}

/// A worker frame's fields, read strictly: a field of the wrong type makes the whole frame unreadable.
struct RawWorkerFrame {
    var type: String
    var call: Int
    var id: Int?
    var request: WorkerFetchRequest?
    var ok: Bool?
    var value: JSONValue?
    var failure: String?
    var message: String?
    var logs: [String]?
    var droppedLogs: Int?
    var retire: Bool?
    var content: Bool?

    init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue, let call = json["call"].flatMap(Self.integer) else { return nil }
        self.type = type
        self.call = call
        func optional<T>(_ key: String, _ read: (JSONValue) -> T?) -> T?? { Self.optional(json, key, read) }
        guard let id = optional("id", Self.integer), let ok = optional("ok", \.boolValue),
              let failure = optional("failure", \.stringValue), let message = optional("message", \.stringValue),
              let logs = optional("logs", { $0.arrayValue.flatMap { items in items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil } }),
              let droppedLogs = optional("droppedLogs", Self.integer),
              let retire = optional("retire", \.boolValue), let content = optional("content", \.boolValue), let request = optional("request", WorkerFetchRequest.init(json:))
        else { return nil }
        self.id = id
        self.ok = ok
        self.failure = failure
        self.message = message
        self.logs = logs
        self.droppedLogs = droppedLogs
        self.retire = retire
        self.content = content
        self.request = request
        // `null` is a value a tool may return; only an absent key means none.
        self.value = json["value"]
    }

    /// `.some(nil)` when the key is absent or null, `.some(value)` when it reads, nil when it has the wrong type.
    static func optional<T>(_ json: JSONValue, _ key: String, _ read: (JSONValue) -> T?) -> T?? {
        guard let value = json[key], value != .null else { return .some(nil) }
        return read(value).map { .some($0) }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        guard let number = value.numberValue, number.isWholeNumberInJSONRange else { return nil }
        return Int(number)
    }
}

/// What the parent sends the worker; each knows its JSON form.
protocol WorkerFrame {
    var json: JSONValue { get }
}

struct RunFrame: WorkerFrame {
    var call: Int
    var realm: String?
    var implementation: String
    var arguments: JSONValue
    var secrets: [String: String]
    var limits: SandboxLimits

    var json: JSONValue {
        [
            "type": "run", "call": .number(Double(call)), "realm": realm.map(JSONValue.string) ?? .null, "implementation": .string(implementation), "arguments": arguments,
            "secrets": .object(secrets.mapValues(JSONValue.string)),
            "limits": [
                "cpuMilliseconds": .number(Double(limits.cpuMilliseconds)), "maxFetches": .number(Double(limits.maxFetches)),
                "maxResultBytes": .number(Double(limits.maxResultBytes)), "maxLogLines": .number(Double(limits.maxLogLines)),
            ],
        ]
    }
}

struct CompileFrame: WorkerFrame {
    var call: Int
    var implementation: String

    var json: JSONValue {
        ["type": "compile", "call": .number(Double(call)), "implementation": .string(implementation)]
    }
}

struct FetchResultFrame: WorkerFrame {
    struct Response {
        var status: Int
        var statusText: String
        var url: String
        var redirected: Bool
        var headers: [[String]]
        var body: String
    }

    var call: Int
    var id: Int
    var response: Response?
    var error: String?

    // Both keys are always written (null when absent): the worker reads them off a plain
    // object, and an absent key would be looked up on a prototype the tool may have patched.
    var json: JSONValue {
        let response = self.response.map { response -> JSONValue in
            [
                "status": .number(Double(response.status)), "statusText": .string(response.statusText), "url": .string(response.url),
                "redirected": .bool(response.redirected), "headers": .array(response.headers.map { .array($0.map(JSONValue.string)) }),
                "body": .string(response.body),
            ]
        }
        return [
            "type": "fetchResult", "call": .number(Double(call)), "id": .number(Double(id)),
            "response": response ?? .null, "error": error.map(JSONValue.string) ?? .null,
        ]
    }
}
