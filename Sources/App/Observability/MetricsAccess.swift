import Egress
import Vapor

/// Who may read `/metrics`: a scraper on this machine, or anyone with `BMM_METRICS_TOKEN`
/// as a bearer token. Behind a proxy on the same machine every request arrives from
/// 127.0.0.1, so a request that any proxy header says came from elsewhere is not local.
enum MetricsAccess {
    private static let loopback = [try! CIDR(parsing: "127.0.0.0/8"), try! CIDR(parsing: "::1/128")]

    static func allows(_ req: Request) -> Bool {
        if let expected = req.application.config.metricsToken, let sent = req.headers.bearerAuthorization?.token {
            // Hashes first, so the comparison takes as long whatever length was sent.
            return SecretToken.constantTimeEqual(SecretToken.sha256(sent), SecretToken.sha256(expected))
        }
        let peer = req.remoteAddress?.ipAddress.flatMap(IPAddress.init).map(ClientAddress.unmapped)
        return isLocal(peer: peer, client: req.client, headers: req.headers)
    }

    /// The peer is loopback, the client a trusted proxy names (`req.client`) is too, no
    /// forwarding header — believed or not — names anyone else, and the request is addressed
    /// to an IP address or `localhost`. `/metrics` answers any host (scrapers use addresses),
    /// so the last check keeps a DNS-rebinding page in a browser on this machine out.
    static func isLocal(peer: IPAddress?, client: ClientAddress, headers: HTTPHeaders) -> Bool {
        guard let peer, isLoopback(peer), let address = client.address, isLoopback(address) else { return false }
        let hops = ForwardedHeaders(headers).hops + headers[.xRealIP].map { ForwardedHeaders.address($0.trimmingCharacters(in: .whitespaces)) }
        guard hops.allSatisfy({ hop in hop.map { isLoopback(ClientAddress.unmapped($0)) } ?? false }) else { return false }
        return headers[.host].allSatisfy(isAddressOrLocalhost)
    }

    private static func isAddressOrLocalhost(_ host: String) -> Bool {
        let trimmed = host.trimmingCharacters(in: .whitespaces)
        if ForwardedHeaders.address(trimmed) != nil { return true }
        let name = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return name.lowercased() == "localhost"
    }

    private static func isLoopback(_ address: IPAddress) -> Bool {
        loopback.contains { $0.contains(address) }
    }
}

extension HTTPHeaders.Name {
    static let xRealIP = HTTPHeaders.Name("X-Real-IP")
}
