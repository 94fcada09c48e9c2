import AsyncHTTPClient
import NIOCore
import NIOSSL

/// The one way out of the platform: hosted tools' `fetch` and the OAuth server's client-metadata fetches both go
/// through it.
///
/// For every hop: parse the URL (http/https only, no userinfo), check the host against the server's allowlist,
/// resolve it, refuse if any resolved address is not allowed (a name that answers with one public and one private
/// address is a rebinding attempt), then connect to the checked address without resolving again. Redirects are
/// followed here, never by the transport, with the same checks at each hop.
public struct EgressClient: Sendable {
    private let resolver: any HostResolver
    private let transport: PinnedTransport

    /// - Parameter tlsConfiguration: nil for the platform's trust roots with full verification; tests pass their
    ///   own root certificate.
    public init(
        resolver: any HostResolver = SystemHostResolver(),
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        tlsConfiguration: TLSConfiguration? = nil
    ) {
        self.resolver = resolver
        transport = PinnedTransport(eventLoopGroup: eventLoopGroup, tlsConfiguration: tlsConfiguration)
    }

    public func fetch(_ request: EgressRequest, policy: EgressPolicy) async throws(EgressError) -> EgressResponse {
        let deadline = ContinuousClock.now + policy.timeout
        do {
            return try await withHardDeadline(deadline) {
                try await self.follow(request, policy: policy, deadline: deadline)
            }
        } catch let error as EgressError {
            throw error
        } catch is DeadlineExceeded {
            throw .timeout
        } catch {
            throw .cancelled
        }
    }

    private func follow(
        _ request: EgressRequest,
        policy: EgressPolicy,
        deadline: ContinuousClock.Instant
    ) async throws(EgressError) -> EgressResponse {
        let allowlist = policy.hostAllowlist
        var url = try EgressURL.parse(request.url, allowedScheme: policy.allowsScheme)
        var method = try EgressHeaders.validatedMethod(request.method)
        var headers = try EgressHeaders.sanitized(request.headers)
        var body = request.body
        var redirectsFollowed = 0

        while true {
            let address = try await checkedAddress(for: url, policy: policy, allowlist: allowlist)
            let exchange = PinnedTransport.Exchange(
                url: url, address: address, method: method, headers: headers, body: body)
            let response = try await transport.send(
                exchange, deadline: deadline, maxResponseBytes: policy.maxResponseBytes)

            guard Self.redirectStatuses.contains(response.status),
                let location = response.headers.first(named: "location")
            else { return response }
            switch request.redirect {
            case .follow: break
            case .manual: return response
            case .error: throw .redirectNotFollowed
            }
            guard redirectsFollowed < policy.maxRedirects else { throw .tooManyRedirects(limit: policy.maxRedirects) }
            redirectsFollowed += 1

            let next: EgressURL
            do throws(EgressError) {
                next = try url.resolving(location, allowedScheme: policy.allowsScheme)
            } catch {
                throw error == .invalidURL ? .invalidRedirect : error
            }
            // RFC 9110 §15.4: 303 always becomes GET; 301 and 302 turn POST into GET as every browser does;
            // 307 and 308 repeat the request as it was.
            let becomesGET =
                (response.status == 303 && method != "HEAD")
                || ([301, 302].contains(response.status) && method == "POST")
            if becomesGET {
                method = "GET"
                body = nil
                headers = EgressHeaders.withoutBodyDescriptions(headers)
            }
            if next.origin != url.origin {
                headers = EgressHeaders.withoutCredentials(headers, secretValues: request.secretValues)
                if let body, EgressHeaders.holdsSecret(body, secretValues: request.secretValues) {
                    throw .secretInRedirectedBody(host: next.host.text)
                }
            }
            url = next
        }
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The Fetch standard's "bad ports": services that read text lines (mail, shell, chat, file sharing) and that a
    /// request body could be made to talk to, the cross-protocol attack browsers block the same way.
    static let badPorts: Set<Int> = [
        1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
        111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
        540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
        6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    ]

    private func checkedAddress(
        for url: EgressURL,
        policy: EgressPolicy,
        allowlist: HostAllowlist
    ) async throws(EgressError) -> IPAddress {
        guard allowlist.allows(url.host) else {
            throw .hostNotAllowed(url.host.text, allowed: policy.allowedDomains)
        }
        guard !Self.badPorts.contains(url.port) else { throw .portNotAllowed(url.port) }
        let opened = allowlist.names(url.host) ? policy.extraAllowedCIDRs : []
        switch url.host {
        case .address(let address):
            guard address.isAllowed(extraAllowed: opened) else {
                throw .addressForbidden(host: url.host.text, address: address)
            }
            return address
        case .name(let name):
            let addresses: [IPAddress]
            do {
                addresses = try await resolver.resolve(host: name, port: url.port)
            } catch {
                throw .resolutionFailed(name)
            }
            guard let first = addresses.first else { throw .resolutionFailed(name) }
            if let forbidden = addresses.first(where: { !$0.isAllowed(extraAllowed: opened) }) {
                throw .addressForbidden(host: name, address: forbidden)
            }
            return first
        }
    }
}
