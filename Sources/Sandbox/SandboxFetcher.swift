/// Performs the HTTP requests tools make with `ctx.fetch`. The sandbox never touches
/// the network itself: the egress guard (allowlist, address checks, redirects) lives
/// in the implementation injected here.
public protocol SandboxFetcher: Sendable {
    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse
}

public struct SandboxHeader: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct SandboxFetchRequest: Sendable, Hashable {
    /// An absolute http(s) URL, already normalised by the sandbox's URL parser.
    public var url: String
    public var method: String
    public var headers: [SandboxHeader]
    public var body: [UInt8]?
    /// The most body bytes the call accepts; stop reading beyond this and fail. The
    /// sandbox also refuses larger bodies it is handed.
    public var maxResponseBytes: Int
    /// The tool's `redirect` option: "follow", "error" or "manual" (the runtime refuses anything else).
    public var redirect: String

    public init(url: String, method: String = "GET", headers: [SandboxHeader] = [], body: [UInt8]? = nil,
                maxResponseBytes: Int = SandboxLimits.standard.maxResponseBytes, redirect: String = "follow") {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.maxResponseBytes = maxResponseBytes
        self.redirect = redirect
    }
}

public struct SandboxHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var statusText: String
    public var headers: [SandboxHeader]
    public var body: [UInt8]
    /// Where the response came from after redirects.
    public var finalURL: String
    public var redirected: Bool

    public init(status: Int, statusText: String = "", headers: [SandboxHeader] = [], body: [UInt8] = [], finalURL: String, redirected: Bool = false) {
        self.status = status
        self.statusText = statusText
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
        self.redirected = redirected
    }
}

public enum SandboxFetchResponse: Sendable, Hashable {
    case completed(SandboxHTTPResponse)
    /// The request was refused or failed; the tool's `ctx.fetch` rejects with this message.
    case failed(String)
}
