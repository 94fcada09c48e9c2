import Foundation

/// The authorization server's endpoints.
enum OAuthRoute: Hashable, Sendable {
    case authorize
    case token
    case register
    case revoke
    /// `/authorize`, `/token` and `/register` at the root: the MCP authorization spec's
    /// defaults, which clients fall back to when they lost the metadata (after a restart).
    case defaultAuthorize
    case defaultToken
    case defaultRegister

    var segments: [PathSegment] {
        switch self {
        case .authorize: parts("oauth/authorize")
        case .token: parts("oauth/token")
        case .register: parts("oauth/register")
        case .revoke: parts("oauth/revoke")
        case .defaultAuthorize: parts("authorize")
        case .defaultToken: parts("token")
        case .defaultRegister: parts("register")
        }
    }
}

/// Discovery documents: RFC 9728 protected-resource metadata per hosted server and
/// RFC 8414 / OpenID metadata at every variant clients probe.
enum WellKnownRoute: Hashable, Sendable {
    /// RFC 9728 metadata for one server's MCP endpoint (path-aware form).
    case protectedResource(Parameter<UUID>)
    /// The root form, which takes `?resource=`.
    case protectedResourceRoot
    case authorizationServer
    case openIDConfiguration
    /// RFC 8414 §3.1 path insertion (`/.well-known/oauth-authorization-server/mcp/{id}`).
    case authorizationServerInserted(Parameter<String>)
    case openIDConfigurationInserted(Parameter<String>)
    /// Resource-relative metadata some clients build from the MCP URL.
    case openIDConfigurationUnderServer(Parameter<UUID>)

    var segments: [PathSegment] {
        switch self {
        case .protectedResource(let id): parts(".well-known/oauth-protected-resource/mcp", id.segment(.server))
        case .protectedResourceRoot: parts(".well-known/oauth-protected-resource")
        case .authorizationServer: parts(".well-known/oauth-authorization-server")
        case .openIDConfiguration: parts(".well-known/openid-configuration")
        case .authorizationServerInserted(let rest): parts(".well-known/oauth-authorization-server", rest.catchAll)
        case .openIDConfigurationInserted(let rest): parts(".well-known/openid-configuration", rest.catchAll)
        case .openIDConfigurationUnderServer(let id): parts("mcp", id.segment(.server), ".well-known/openid-configuration")
        }
    }
}
