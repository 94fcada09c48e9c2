import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP exchange with a server at an address the guard has already checked.
///
/// Why AsyncHTTPClient's `dnsOverride`: it maps the URL's host name to the checked IP literal, so the socket goes
/// to exactly that address (an IP literal never reaches a resolver) while the Host header, the TLS SNI and
/// certificate verification all still use the host name — NIOSSL verifies the chain and the name with the
/// default `fullVerification`. The alternatives are worse: putting the IP in the URL makes TLS verify the
/// certificate against the IP, and AsyncHTTPClient has no per-request SNI override; a hand-written NIO client would
/// re-implement framing, HTTP/2 and TLS plumbing that AsyncHTTPClient already gets right.
///
/// `dnsOverride` is client-wide, so each hop gets its own short-lived `HTTPClient` on the shared event loop group.
/// That also means no pooled connection outlives the DNS answer it was checked against, and redirects are never
/// followed by the transport (`.disallow`): the guard re-checks every hop itself.
struct PinnedTransport: Sendable {
    let eventLoopGroup: any EventLoopGroup
    let tlsConfiguration: TLSConfiguration?

    struct Exchange: Sendable {
        var url: EgressURL
        var address: IPAddress
        var method: String
        var headers: [EgressHeader]
        var body: [UInt8]?
    }

    func send(
        _ exchange: Exchange,
        deadline: ContinuousClock.Instant,
        maxResponseBytes: Int
    ) async throws(EgressError) -> EgressResponse {
        let remaining = TimeAmount(max(deadline - .now, .zero))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration,
            redirectConfiguration: .disallow,
            timeout: .init(connect: remaining, read: remaining),
            proxy: nil,
            decompression: .disabled
        )
        // A refused connection or a certificate that does not match is reported at once instead of being retried
        // with backoff until the deadline, which would turn every such failure into a timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        let urlString = exchange.url.string
        if case .name(let name) = exchange.url.host {
            // The override is keyed by the host as AsyncHTTPClient reads it from the URL; if that ever differed from
            // ours, the override would silently not apply and the name would be resolved again, unchecked.
            guard URL(string: urlString)?.host == name else { throw .invalidURL }
            configuration.dnsOverride = [name: exchange.address.description]
        }

        var request = HTTPClientRequest(url: urlString)
        request.method = HTTPMethod(rawValue: exchange.method)
        request.headers = HTTPHeaders(exchange.headers.map { ($0.name, $0.value) })
        if let body = exchange.body { request.body = .bytes(body) }

        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        do {
            let response = try await Self.receive(
                request, client: client, deadline: .now() + remaining, maxResponseBytes: maxResponseBytes)
            try? await client.shutdown()
            return EgressResponse(
                status: response.status,
                statusText: response.statusText,
                headers: response.headers,
                body: response.body,
                finalURL: urlString
            )
        } catch {
            try? await client.shutdown()
            throw Self.egressError(for: error, host: exchange.url.host.text)
        }
    }

    private static func receive(
        _ request: HTTPClientRequest,
        client: HTTPClient,
        deadline: NIODeadline,
        maxResponseBytes: Int
    ) async throws -> (status: Int, statusText: String, headers: [EgressHeader], body: [UInt8]) {
        let response = try await client.execute(request, deadline: deadline)
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maxResponseBytes
        {
            throw EgressError.responseTooLarge(limit: maxResponseBytes)
        }
        var body: [UInt8] = []
        // Leaving the loop early drops the stream; AsyncHTTPClient then closes the connection.
        for try await chunk in response.body {
            guard chunk.readableBytes <= maxResponseBytes - body.count else {
                throw EgressError.responseTooLarge(limit: maxResponseBytes)
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        let headers = response.headers.map { EgressHeader($0.name, $0.value) }
        // NIO keeps the phrase of a code it knows as HTTP names it, and a code it does not know with the server's own.
        return (Int(response.status.code), response.status.reasonPhrase, headers, body)
    }

    /// Transport errors reduced to fixed phrases: some of AsyncHTTPClient's errors quote header values.
    private static func egressError(for error: any Error, host: String) -> EgressError {
        switch error {
        case let error as EgressError:
            return error
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout:
                return .timeout
            case .cancelled:
                return .cancelled
            case .invalidURL, .emptyHost:
                return .invalidURL
            case .remoteConnectionClosed:
                return .connectionFailed("\(host) closed the connection")
            default:
                return .connectionFailed("the request to \(host) failed")
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return .connectionFailed(
                "TLS with \(host) failed (certificate not valid for this host, or handshake error)")
        case is NIOConnectionError, is IOError:
            return .connectionFailed("could not connect to \(host)")
        case is CancellationError:
            return .cancelled
        default:
            return .connectionFailed("the request to \(host) failed")
        }
    }
}
