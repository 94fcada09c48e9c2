import Egress
import Vapor

/// Who is on the other end of a request: the peer, or — only when the peer is a
/// configured trusted proxy — the client that proxy names in `Forwarded` or
/// `X-Forwarded-For` (SECURITY.md 38). Rate limits and the audit log use it.
struct ClientAddress: Sendable, Equatable {
    /// Nil for in-process requests (tests) and peers without an IP address.
    let address: IPAddress?
    /// `https` or `http`: what the client used, as a trusted proxy reports it, else this server's own scheme.
    let scheme: String

    /// The address as text for the audit log.
    var text: String? { address?.description }

    /// What rate limits count by: the address, or its /64 for IPv6, where one
    /// subscriber usually holds a whole /64 and could otherwise rotate through it.
    var rateLimitKey: String {
        guard let address else { return "unknown" }
        guard address.isIPv6, let network = CIDR(masking: address, toPrefix: 64) else { return address.description }
        return "\(network.address)/64"
    }

    /// A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`; they are IPv4 clients.
    static func unmapped(_ address: IPAddress) -> IPAddress {
        guard case .v6(let high, let low) = address, high == 0, low >> 32 == 0xFFFF else { return address }
        return .v4(UInt32(truncatingIfNeeded: low))
    }

    /// Resolves the client from the peer and the forwarding headers. Hops are read
    /// right to left, because each proxy appends the address it received the request
    /// from: the first hop that is not itself a trusted proxy is the client. Anything
    /// left of it was written by the client and is not believed.
    static func resolve(peer: IPAddress?, headers: HTTPHeaders, trustedProxies: [CIDR], ownScheme: String) -> ClientAddress {
        guard let peer, trustedProxies.contains(where: { $0.contains(peer) }) else {
            return ClientAddress(address: peer, scheme: ownScheme)
        }
        let forwarded = ForwardedHeaders(headers)
        var client = peer
        for hop in forwarded.hops.reversed() {
            // A hop a proxy could not name (`unknown`, an obfuscated id) ends the walk
            // at the last proxy we trust: it is the best address we know.
            guard let address = hop.map(unmapped) else { break }
            client = address
            if !trustedProxies.contains(where: { $0.contains(address) }) { break }
        }
        return ClientAddress(address: client, scheme: forwarded.scheme ?? ownScheme)
    }
}

/// The hops and scheme a proxy reports: RFC 7239 `Forwarded` when present, else
/// the de-facto `X-Forwarded-For` / `X-Forwarded-Proto`.
struct ForwardedHeaders: Sendable {
    /// Leftmost first; nil where a hop is not an IP address.
    var hops: [IPAddress?] = []
    var scheme: String?

    init(_ headers: HTTPHeaders) {
        let standard = headers[.forwarded]
        if !standard.isEmpty {
            for element in standard.flatMap({ $0.split(separator: ",") }) {
                var hop: IPAddress?? = nil
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2 else { continue }
                    let value = Self.unquoted(parts[1])
                    switch parts[0].lowercased() {
                    case "for": hop = .some(Self.address(value))
                    case "proto": scheme = Self.scheme(value) ?? scheme
                    default: break
                    }
                }
                if let hop { hops.append(hop) }
            }
            return
        }
        hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { Self.address($0.trimmingCharacters(in: .whitespaces)) }
        scheme = headers.first(name: .xForwardedProto).flatMap {
            Self.scheme($0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
        }
    }

    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }

    /// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711` or a bare IPv6 address.
    static func address(_ text: String) -> IPAddress? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return IPAddress(String(text[text.index(after: text.startIndex)..<close]))
        }
        if let plain = IPAddress(text) { return plain }
        if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            return IPAddress(String(text[..<colon]))
        }
        return nil
    }

    private static func scheme(_ value: String) -> String? {
        let lowered = value.lowercased()
        return ["http", "https"].contains(lowered) ? lowered : nil
    }
}

extension Request {
    private struct ClientKey: StorageKey {
        typealias Value = ClientAddress
    }

    /// The client behind any trusted proxies, worked out once per request.
    var client: ClientAddress {
        if let known = storage[ClientKey.self] { return known }
        let peer = remoteAddress?.ipAddress.flatMap(IPAddress.init).map(ClientAddress.unmapped)
        let resolved = ClientAddress.resolve(peer: peer, headers: headers, trustedProxies: application.config.trustedProxies,
                                             ownScheme: application.config.publicScheme)
        storage[ClientKey.self] = resolved
        return resolved
    }
}
