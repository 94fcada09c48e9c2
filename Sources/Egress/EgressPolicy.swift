/// What one fetch may do: which hosts, which extra address ranges, and how much time and data it may use.
public struct EgressPolicy: Sendable {
    /// Host allowlist entries; see ``HostAllowlist``. Empty allows nothing.
    public var allowedDomains: [String]
    /// Ranges opened on purpose on top of public unicast: the operator's `BMM_EGRESS_ALLOW_CIDRS`, or loopback in
    /// tests.
    public var extraAllowedCIDRs: [CIDR]
    /// The largest response body accepted; a larger one fails the fetch with ``EgressError/responseTooLarge(limit:)``.
    public var maxResponseBytes: Int
    /// The whole fetch, every redirect hop and body byte included.
    public var timeout: Duration
    public var maxRedirects: Int
    /// Only `http` and `https` can ever be used; this can narrow them further (say, to `https` alone).
    public var allowedSchemes: Set<String>

    public init(
        allowedDomains: [String],
        extraAllowedCIDRs: [CIDR] = [],
        maxResponseBytes: Int = 5 * 1024 * 1024,
        timeout: Duration = .seconds(30),
        maxRedirects: Int = 5,
        allowedSchemes: Set<String> = ["http", "https"]
    ) {
        self.allowedDomains = allowedDomains
        self.extraAllowedCIDRs = extraAllowedCIDRs
        self.maxResponseBytes = maxResponseBytes
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.allowedSchemes = allowedSchemes
    }

    var hostAllowlist: HostAllowlist { HostAllowlist(allowedDomains) }

    func allowsScheme(_ scheme: String) -> Bool {
        (scheme == "http" || scheme == "https") && allowedSchemes.contains { $0.lowercased() == scheme }
    }
}
