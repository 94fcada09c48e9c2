import Core
import Foundation

/// The conversation with bmm-sandbox-worker over its stdin/stdout: frames of a 4-byte
/// big-endian length followed by UTF-8 JSON. Every frame carries the `call` number it
/// belongs to, so a late fetch reply can never land in a later call.
///
/// Parent → worker:
///   {"type":"run","call":N,"implementation":…,"arguments":…,"secrets":{…},"limits":{…}}
///   {"type":"compile","call":N,"implementation":…}
///   {"type":"fetchResult","call":N,"id":K,"response":{status,statusText,url,redirected,headers,body},"error":null}
///   {"type":"fetchResult","call":N,"id":K,"response":null,"error":"message"}
/// Worker → parent:
///   {"type":"fetch","call":N,"id":K,"request":{url,method,headers:[[name,value]],body,bodyEncoding}}
///   {"type":"done","call":N,"ok":true,"value":…,"logs":[…],"droppedLogs":D,"fetches":F,"cpuMilliseconds":C}
///   {"type":"done","call":N,"ok":false,"failure":"thrown|syntax|cpu_limit|…","message":…,"logs":[…],…}
///   {"type":"compiled","call":N,"ok":true} or with "ok":false,"failure","message"
///   Either answer may end with "retire":true: the worker exits right after it.
enum WorkerProtocol {
    /// Results and logs are capped well below this; a bigger frame means a broken worker.
    static let maxFrameBytes = 64 << 20

    static func frame(_ message: some Encodable) -> [UInt8] {
        // Encoding plain structs of strings, numbers and JSONValue cannot fail.
        let payload = (try? encoder.encode(message)) ?? Data("{}".utf8)
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
    }

    static func decode(_ payload: [UInt8]) -> WorkerMessage? {
        guard let raw = try? JSONDecoder().decode(RawWorkerFrame.self, from: Data(payload)) else { return nil }
        switch raw.type {
        case "fetch":
            guard let id = raw.id, let request = raw.request else { return nil }
            return .fetch(call: raw.call, id: id, request: request)
        case "done":
            return .done(call: raw.call, WorkerResult(raw))
        case "compiled":
            return .compiled(call: raw.call, WorkerResult(raw))
        default:
            return nil
        }
    }

    private static let encoder = JSONEncoder()
}

enum WorkerMessage: Sendable {
    case fetch(call: Int, id: Int, request: WorkerFetchRequest)
    case done(call: Int, WorkerResult)
    case compiled(call: Int, WorkerResult)
}

struct WorkerResult: Sendable {
    var value: Result<JSONValue, WorkerFailure>
    var logs: [String]
    var droppedLogs: Int
    var fetches: Int
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
        fetches = raw.fetches ?? 0
        retiring = raw.retire ?? false
    }
}

struct WorkerFailure: Error, Sendable {
    var kind: String
    var message: String
}

struct WorkerFetchRequest: Decodable, Sendable {
    var url: String
    var method: String
    var headers: [[String]]
    var body: String?
    var bodyEncoding: String?
}

struct RawWorkerFrame: Decodable {
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
    var fetches: Int?
    var retire: Bool?
}

struct RunFrame: Encodable {
    struct Limits: Encodable {
        var cpuMilliseconds: Int
        var maxFetches: Int
        var maxResultBytes: Int
        var maxLogLines: Int
    }

    let type = "run"
    var call: Int
    var implementation: String
    var arguments: JSONValue
    var secrets: [String: String]
    var limits: Limits
}

struct CompileFrame: Encodable {
    let type = "compile"
    var call: Int
    var implementation: String
}

struct FetchResultFrame: Encodable {
    struct Response: Encodable {
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

    private enum CodingKeys: String, CodingKey { case type, call, id, response, error }

    // Both keys are always written: the worker reads them off a plain object, and an
    // absent key would be looked up on a prototype the tool may have patched.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("fetchResult", forKey: .type)
        try container.encode(call, forKey: .call)
        try container.encode(id, forKey: .id)
        if let response { try container.encode(response, forKey: .response) } else { try container.encodeNil(forKey: .response) }
        if let error { try container.encode(error, forKey: .error) } else { try container.encodeNil(forKey: .error) }
    }
}
