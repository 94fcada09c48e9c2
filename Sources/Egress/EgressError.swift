/// Why a fetch was refused or failed.
///
/// Safe to show to the tool author and to log: cases carry hosts, addresses, schemes, header names and limits, but
/// never a URL's path or query, a header value or a body, which may hold credentials.
public enum EgressError: Error, Equatable, Sendable {
    case invalidURL
    case schemeNotAllowed(String)
    /// `https://user:password@host/` — credentials belong in headers, and userinfo is a classic way to disguise
    /// the real host.
    case userInfoNotAllowed
    case hostNotAllowed(String, allowed: [String])
    case addressForbidden(host: String, address: IPAddress)
    case resolutionFailed(String)
    case invalidRedirect
    /// A port the Fetch standard blocks ("bad port": SMTP, SSH, IRC and the like), which an HTTP request could be
    /// made to speak to.
    case portNotAllowed(Int)
    /// A 307/308 to another origin would send on a body that holds one of the server's secrets; the headers that
    /// hold one are dropped at such a hop, and a body cannot be.
    case secretInRedirectedBody(host: String)
    case tooManyRedirects(limit: Int)
    /// The answer was a redirect and the request asked not to follow one (`redirect: "error"`).
    case redirectNotFollowed
    case methodNotAllowed(String)
    /// A request header with a name or value that cannot be sent; only a valid name is echoed.
    case invalidHeader(String?)
    case responseTooLarge(limit: Int)
    case timeout
    case connectionFailed(String)
    case cancelled
}

extension EgressError: CustomStringConvertible, CustomDebugStringConvertible {
    /// A stable snake_case code for API error bodies.
    public var code: String {
        switch self {
        case .invalidURL: "egress_invalid_url"
        case .schemeNotAllowed: "egress_scheme_not_allowed"
        case .userInfoNotAllowed: "egress_userinfo_not_allowed"
        case .hostNotAllowed: "egress_host_not_allowed"
        case .addressForbidden: "egress_address_forbidden"
        case .resolutionFailed: "egress_resolution_failed"
        case .invalidRedirect: "egress_invalid_redirect"
        case .portNotAllowed: "egress_port_not_allowed"
        case .secretInRedirectedBody: "egress_secret_in_redirected_body"
        case .tooManyRedirects: "egress_too_many_redirects"
        case .redirectNotFollowed: "egress_redirect_not_followed"
        case .methodNotAllowed: "egress_method_not_allowed"
        case .invalidHeader: "egress_invalid_header"
        case .responseTooLarge: "egress_response_too_large"
        case .timeout: "egress_timeout"
        case .connectionFailed: "egress_connection_failed"
        case .cancelled: "egress_cancelled"
        }
    }

    public var description: String {
        switch self {
        case .invalidURL:
            return "the URL is not a valid absolute http(s) URL"
        case .schemeNotAllowed(let scheme):
            return "the scheme \"\(scheme)\" is not allowed; only http and https can be fetched"
        case .userInfoNotAllowed:
            return "URLs with a user name or password before the host are not allowed; send credentials in a header"
        case .hostNotAllowed(let host, let allowed):
            let list = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
            return "the host \(host) is not in this server's allowed hosts (\(list))"
        case .addressForbidden(let host, let address):
            let kind: String
            switch address.addressClass {
            case .special(let name): kind = "in the \(name) range"
            case .publicUnicast: kind = "outside the allowed ranges"
            }
            // A name's address is not repeated: through a tool open to `*`, it would map internal names to addresses.
            return host == address.description
                ? "\(address) is \(kind) and cannot be fetched"
                : "the host \(host) resolves to an address that is not public, and cannot be fetched"
        case .resolutionFailed(let host):
            return "the host \(host) could not be resolved"
        case .invalidRedirect:
            return "the server sent a redirect with an invalid Location"
        case .portNotAllowed(let port):
            return "port \(port) is not allowed: it belongs to a protocol other than HTTP (the ports a browser's fetch refuses)"
        case .secretInRedirectedBody(let host):
            return "the redirect to \(host) was not followed: the request body holds one of this server's secrets, and the redirect goes to another origin"
        case .tooManyRedirects(let limit):
            return "more than \(limit) redirects"
        case .redirectNotFollowed:
            return "the server answered with a redirect, and the request said not to follow one (redirect: \"error\")"
        case .methodNotAllowed(let method):
            return "the HTTP method \(method) is not allowed"
        case .invalidHeader(let name?):
            return "the request header \(name) has an invalid value"
        case .invalidHeader(nil):
            return "a request header has an invalid name"
        case .responseTooLarge(let limit):
            return "the response is larger than the limit of \(limit) bytes"
        case .timeout:
            return "the fetch timed out"
        case .connectionFailed(let reason):
            return "the connection failed: \(reason)"
        case .cancelled:
            return "the fetch was cancelled"
        }
    }

    public var debugDescription: String { description }
}
