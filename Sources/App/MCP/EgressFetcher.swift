import Core
import Egress
import Sandbox

/// Performs a tool's `ctx.fetch` through the egress guard with the server's
/// allowed domains. The worker never touches the network itself.
struct EgressFetcher: SandboxFetcher {
    let client: EgressClient
    let policy: EgressPolicy
    /// The calling server's secrets: no header holding one follows a redirect to another origin.
    let secretValues: [String]
    /// The trace of the request that called the tool: each fetch carries it on as a
    /// `traceparent` with a span id of its own, in place of any the tool set.
    var trace: TraceContext?

    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse {
        var policy = self.policy
        policy.maxResponseBytes = min(policy.maxResponseBytes, request.maxResponseBytes)
        var headers = request.headers.map { EgressHeader($0.name, $0.value) }
        if let trace {
            headers.removeAll { $0.name.lowercased() == TraceContext.headerName }
            headers.append(EgressHeader(TraceContext.headerName, trace.childTraceparent()))
        }
        let egressRequest = EgressRequest(
            url: request.url, method: request.method,
            headers: headers, body: request.body,
            // Worked out per fetch, not per call: most calls fetch nothing.
            secretValues: secretValues.flatMap(SecretSpellings.of),
            redirect: EgressRedirectMode(rawValue: request.redirect) ?? .follow)
        do throws(EgressError) {
            let response = try await client.fetch(egressRequest, policy: policy)
            return .completed(SandboxHTTPResponse(
                status: response.status,
                statusText: response.statusText,
                headers: response.headers.map { SandboxHeader(name: $0.name, value: $0.value) },
                body: response.body,
                finalURL: response.finalURL,
                redirected: response.finalURL != request.url))
        } catch {
            return .failed(error.description)
        }
    }
}
