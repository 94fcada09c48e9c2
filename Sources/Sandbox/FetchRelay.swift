import Foundation

/// Carries out the `ctx.fetch` requests of one call through the injected fetcher and
/// writes the replies back to the worker. Enforces the fetch count and response size
/// independently of the worker, and remembers the messages of the refusals it made so a
/// call that ends because of one reports the limit rather than a generic error.
final class FetchRelay: Sendable {
    private struct State {
        var count = 0
        var tasks: [Task<Void, Never>] = []
        var refusals: [String: SandboxFailure] = [:]
    }

    private let worker: WorkerProcess
    private let callID: Int
    private let limits: SandboxLimits
    private let fetcher: any SandboxFetcher
    private let state = Locked(State())

    init(worker: WorkerProcess, callID: Int, limits: SandboxLimits, fetcher: any SandboxFetcher) {
        self.worker = worker
        self.callID = callID
        self.limits = limits
        self.fetcher = fetcher
    }

    var count: Int { state.withLock { $0.count } }

    func refusal(for message: String) -> SandboxFailure? {
        state.withLock { $0.refusals[message] }
    }

    func start(id: Int, request: WorkerFetchRequest) {
        let allowed = state.withLock { state in
            state.count += 1
            return state.count <= limits.maxFetches
        }
        let task = Task { [self] in
            let reply: FetchResultFrame
            if allowed {
                reply = await perform(id: id, request)
            } else {
                let message = "ctx.fetch was called more than \(limits.maxFetches) times; that is the limit per call"
                reply = refuse(id: id, message, as: .tooManyFetches)
            }
            _ = await worker.send(WorkerProtocol.frame(reply), forCall: callID)
        }
        state.withLock { $0.tasks.append(task) }
    }

    /// The call is over: replies still in flight are dropped.
    func cancelAll() {
        state.withLock { $0.tasks }.forEach { $0.cancel() }
    }

    private func perform(id: Int, _ raw: WorkerFetchRequest) async -> FetchResultFrame {
        guard let url = URL(string: raw.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return failed(id: id, "ctx.fetch only supports absolute http and https URLs")
        }
        var headers: [SandboxHeader] = []
        for pair in raw.headers {
            guard pair.count == 2 else { return failed(id: id, "ctx.fetch received a malformed header") }
            headers.append(SandboxHeader(name: pair[0], value: pair[1]))
        }
        var body: [UInt8]?
        if let text = raw.body {
            if raw.bodyEncoding == "base64" {
                guard let data = Data(base64Encoded: text) else { return failed(id: id, "ctx.fetch received a malformed body") }
                body = [UInt8](data)
            } else {
                body = Array(text.utf8)
            }
        }
        let request = SandboxFetchRequest(url: raw.url, method: raw.method, headers: headers, body: body,
                                          maxResponseBytes: limits.maxResponseBytes, redirect: raw.redirect)
        switch await fetcher.fetch(request) {
        case .failed(let message):
            return failed(id: id, message)
        case .completed(let response):
            guard response.body.count <= limits.maxResponseBytes else {
                let host = url.host ?? raw.url
                return refuse(id: id, "The response from \(host) is larger than \(limits.maxResponseBytes) bytes, the limit for one ctx.fetch response", as: .responseTooLarge)
            }
            return FetchResultFrame(
                call: callID,
                id: id,
                response: .init(
                    status: response.status,
                    statusText: response.statusText,
                    url: response.finalURL,
                    redirected: response.redirected,
                    headers: response.headers.map { [$0.name, $0.value] },
                    // text() and json() are what tools get, so the body travels as text.
                    body: String(decoding: response.body, as: UTF8.self)
                ),
                error: nil
            )
        }
    }

    private func failed(id: Int, _ message: String) -> FetchResultFrame {
        FetchResultFrame(call: callID, id: id, response: nil, error: message)
    }

    private func refuse(id: Int, _ message: String, as failure: SandboxFailure) -> FetchResultFrame {
        state.withLock { $0.refusals[message] = failure }
        return failed(id: id, message)
    }
}
