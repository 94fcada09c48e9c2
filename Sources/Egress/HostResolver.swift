import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a host name into addresses. Injected so tests can point names at a local server; the egress guard checks
/// whatever comes back exactly as it checks real DNS answers.
public protocol HostResolver: Sendable {
    func resolve(host: String, port: Int) async throws -> [IPAddress]
}

/// `getaddrinfo`, run on threads of its own so it never stalls an event loop or the cooperative pool. Not NIO's
/// shared blocking pool: an unreachable DNS server holds a lookup for seconds, and that pool also runs every
/// SQLite statement and file read of the app.
public struct SystemHostResolver: HostResolver {
    public init() {}

    private static let lookups: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    public func resolve(host: String, port: Int) async throws -> [IPAddress] {
        try await Self.lookups.runIfActive { try Self.lookUp(host) }
    }

    private static func lookUp(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else { throw ResolutionFailure(status: status) }
        defer { freeaddrinfo(list) }

        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr.flatMap(Self.address(from:)), !addresses.contains(address) {
                addresses.append(address)
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw ResolutionFailure(status: status) }
        return addresses
    }

    private static func address(from socketAddress: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                .v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                let bytes = withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
                return .v6(groups: groups)
            }
        default:
            return nil
        }
    }

    struct ResolutionFailure: Error {
        let status: Int32
    }
}
