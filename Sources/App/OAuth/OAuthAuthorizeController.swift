import Core
import Fluent
import Foundation
import Vapor

/// `/oauth/authorize`: checks the request, has the person sign in, asks for
/// consent (remembered per person, client and server), and sends the code back.
/// A bad client or redirect URI is explained on the page and never redirected to.
enum OAuthAuthorizeController {
    /// The request's parameters as RFC 6749 §3.1 reads them (see `OAuthParameters`).
    struct Parameters: Sendable {
        var response_type: String?
        var client_id: String?
        var redirect_uri: String?
        var code_challenge: String?
        var code_challenge_method: String?
        var state: String?
        var resource: String?
        /// Names sent more than once.
        var repeated: [String] = []
        var repetition: String?

        init(_ raw: OAuthParameters) {
            response_type = raw["response_type"]
            client_id = raw["client_id"]
            redirect_uri = raw["redirect_uri"]
            code_challenge = raw["code_challenge"]
            code_challenge_method = raw["code_challenge_method"]
            state = raw["state"]
            resource = raw["resource"]
            repeated = raw.repeated
            repetition = raw.repetition
        }
    }

    /// A request that passed every check, ready for consent.
    struct Checked: Sendable {
        let client: OAuthClients.Resolved
        let redirectURI: String
        /// Whether the request named `redirectURI` (it may leave it out when the client registered
        /// only one); the token request must then repeat it, and otherwise must not.
        let redirectURISent: Bool
        let challenge: String
        let state: String?
        let scope: String
        let resource: String
        let server: HostedServer
    }

    enum Outcome {
        case checked(Checked)
        /// Shown on our own page: the redirect URI cannot be trusted.
        case page(String)
        /// Shown on our own page with a link that takes the error to the client: its redirect URI is a web address
        /// anyone could have registered, and an error found before the person saw anything is no reason to send them
        /// there unasked.
        case pageWithReturn(String, href: String, host: String)
        /// Sent back to the client's (verified) redirect URI.
        case redirect(Response)
    }

    static func get(_ req: Request) async throws -> Response {
        // A person's browser lands here: a query string Vapor cannot parse (a key such as `a[`)
        // gets the page a browser can show, never a JSON error chosen by the Accept header.
        guard let raw = OAuthParameters(urlEncoded: req.url.query ?? "") else {
            return try await errorPage(req, unreadable)
        }
        let parameters = Parameters(raw)
        // A metadata document is fetched only for someone signed in (SECURITY.md 43);
        // a registered client is checked first, so a bad request is explained before sign-in.
        if req.currentUser == nil, OAuthClients.isMetadataURL(parameters.client_id ?? "") {
            return signIn(req)
        }
        switch try await check(parameters, req) {
        case .page(let message): return try await errorPage(req, message)
        case .pageWithReturn(let message, let href, let host): return try await errorPage(req, message, returningTo: (href, host))
        case .redirect(let response): return response
        case .checked(let checked):
            guard let current = req.currentUser else { return signIn(req) }
            guard try await owns(current, checked.server, req) else { return try await elsewhere(req, current, checked) }
            if let refused = try await suspended(req, current, checked) { return refused }
            if let grant = try await consent(req).remembered(current, client: checked.client, server: checked.server) {
                return try await approve(req, checked, grant: grant)
            }
            return try await consentPage(req, current, checked, parameters)
        }
    }

    static func post(_ req: Request) async throws -> Response {
        guard let raw = OAuthParameters(urlEncoded: req.body.string ?? "") else {
            return try await errorPage(req, unreadable)
        }
        let parameters = Parameters(raw)
        let decision = raw["decision"]
        guard let current = req.currentUser else { return try await errorPage(req, "Sign in again to continue.") }
        switch try await check(parameters, req) {
        case .page(let message): return try await errorPage(req, message)
        case .pageWithReturn(let message, let href, let host): return try await errorPage(req, message, returningTo: (href, host))
        case .redirect(let response): return response
        case .checked(let checked):
            guard try await owns(current, checked.server, req) else { return try await elsewhere(req, current, checked) }
            if let refused = try await suspended(req, current, checked) { return refused }
            guard decision == "approve" else {
                try await consent(req).deny(current, client: checked.client, server: checked.server)
                return redirect(req, checked.redirectURI, ["error": "access_denied", "error_description": "The person declined.", "state": checked.state])
            }
            let grant = try await consent(req).grant(current, client: checked.client, server: checked.server, scope: checked.scope)
            return try await approve(req, checked, grant: grant)
        }
    }

    private static func signIn(_ req: Request) -> Response {
        let next = SiteRoute.oauth(.authorize).path + "?" + (req.url.query ?? "")
        return req.redirect(to: SiteRoute.login.path(QueryString([("next", next)])), redirectType: .normal)
    }

    private static func approve(_ req: Request, _ checked: Checked, grant: OAuthGrant) async throws -> Response {
        let code = try await req.oauthTokens()
            .issueCode(grant: grant, clientID: checked.client.clientID, redirectURI: checked.redirectURISent ? checked.redirectURI : nil,
                       challenge: checked.challenge, resource: checked.resource)
        return redirect(req, checked.redirectURI, ["code": code, "state": checked.state])
    }

    /// RFC 6749 §4.1.2 with RFC 9207's `iss`; `state` is passed through exactly.
    private static func redirect(_ req: Request, _ uri: String, _ fields: [String: String?]) -> Response {
        req.redirect(to: answer(req, uri, fields), redirectType: .normal).noStore()
    }

    /// An error the person did not cause by a choice on the consent page: sent back at once to a loopback or app
    /// address, shown here with a way back to a web address (`Outcome.pageWithReturn`).
    private static func failure(_ req: Request, _ uri: String, _ fields: [String: String?]) -> Outcome {
        guard RedirectURIRule.leavesForTheWeb(uri), let host = RedirectURIRule.writtenHost(uri) else { return .redirect(redirect(req, uri, fields)) }
        let reason = (fields["error_description"] ?? nil).map { " The problem: \($0)" } ?? ""
        let message = "The app that sent you here (it returns to \(host)) made a request this site cannot accept, so nothing was shared with it.\(reason)"
        return .pageWithReturn(message, href: answer(req, uri, fields), host: host)
    }

    /// `uri` with the answer's fields in its query.
    private static func answer(_ req: Request, _ uri: String, _ fields: [String: String?]) -> String {
        var components = URLComponents(string: uri)!
        var items = components.queryItems ?? []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        items.append(URLQueryItem(name: "iss", value: OAuthURLs(base: req.accounts.publicURL).issuer))
        components.queryItems = items
        // `+` means a space to many decoders; state must come back byte for byte.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? uri
    }

    static func check(_ parameters: Parameters, _ req: Request) async throws -> Outcome {
        // Which client and where to send the answer must be unambiguous before anything is sent back.
        for name in ["client_id", "redirect_uri"] where parameters.repeated.contains(name) {
            return .page("The app sent \(name) more than once, so it cannot be told which to use. Start connecting again from your app.")
        }
        guard let clientID = parameters.client_id else { return .page("The app did not say who it is (client_id is missing).") }
        let client: OAuthClients.Resolved?
        do {
            client = try await req.oauthClients().resolve(clientID, requester: req.currentUser?.user.id)
        } catch let error as OAuthError {
            return .page(error.reason)
        }
        guard let client else { return .page("This app is not registered here (unknown client_id). Connect it again from the app.") }
        // OAuth 2.1 §4.1.1: redirect_uri may be left out by a client that registered exactly one.
        let sentRedirectURI = parameters.redirect_uri
        if sentRedirectURI == nil && client.redirectURIs.count != 1 {
            return .page("The app did not say where to send you back (redirect_uri is missing), and it registered more than one address. Start connecting again from your app.")
        }
        guard let redirectURI = sentRedirectURI ?? (client.redirectURIs.count == 1 ? client.redirectURIs.first : nil),
              RedirectURIRule.matches(redirectURI, registered: client.redirectURIs) else {
            return .page("The app asked to send you to an address it did not register. For your safety you are not being redirected.")
        }
        func fail(_ error: String, _ description: String) -> Outcome {
            failure(req, redirectURI, ["error": error, "error_description": description, "state": parameters.state])
        }
        if parameters.repeated == ["resource"] { return fail("invalid_target", OAuthParameters.oneResource) }
        if let repetition = parameters.repetition { return fail("invalid_request", repetition) }
        // RFC 6749 §4.1.2.1: a missing parameter is a malformed request; only a type named and not offered is unsupported.
        guard let responseType = parameters.response_type else { return fail("invalid_request", "response_type is required (response_type=code).") }
        guard responseType == "code" else { return fail("unsupported_response_type", "Only response_type=code is supported.") }
        guard let challenge = parameters.code_challenge else { return fail("invalid_request", "PKCE is required: send code_challenge.") }
        guard parameters.code_challenge_method == "S256" else { return fail("invalid_request", "code_challenge_method must be S256; plain is not accepted.") }
        // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding is always 43 characters.
        guard challenge.utf8.count == 43, challenge.utf8.allSatisfy(Self.isBase64URL) else {
            return fail("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the code_verifier.")
        }
        let urls = OAuthURLs(base: req.accounts.publicURL)
        guard let resource = parameters.resource, let serverID = urls.server(fromResource: resource),
              let server = try await HostedServer.find(serverID, on: req.db)
        else { return fail("invalid_target", unknownResource) }
        // Scopes we do not know (`openid`, `offline_access`, …) are left out rather than refused
        // (RFC 6749 §3.3): the token always carries the one scope there is, and says so.
        return .checked(Checked(client: client, redirectURI: redirectURI, redirectURISent: sentRedirectURI != nil, challenge: challenge, state: parameters.state,
                                scope: OAuthURLs.scope, resource: urls.resource(serverID), server: server))
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// The server is not in the workspace the person is signed in to. A member of its workspace
    /// is told to switch and try again (the request has not failed: they can finish it). For
    /// anyone else the request fails, and the client hears so at its redirect URI (RFC 6749
    /// §4.1.2.1) in the words an unknown server gets, so the answer does not tell that it exists.
    private static func elsewhere(_ req: Request, _ current: CurrentUser, _ checked: Checked) async throws -> Response {
        let isMember = try await Membership.query(on: req.db).filter(\.$user.$id == current.user.id!)
            .filter(\.$organization.$id == checked.server.$organization.id).first() != nil
        guard isMember else {
            return try await fail(req, checked, "invalid_target", unknownResource)
        }
        return try await errorPage(req, "The server this app asks for belongs to another of your workspaces. Switch to it in Settings, then connect again from the app.")
    }

    private static let unknownResource = "resource must be the URL of one of this platform's MCP servers."

    /// A suspended workspace grants nothing: the app hears `access_denied` at its redirect URI (RFC 6749 §4.1.2.1),
    /// and the person reads why, instead of a consent page whose buttons could only fail.
    private static func suspended(_ req: Request, _ current: CurrentUser, _ checked: Checked) async throws -> Response? {
        guard current.organization.suspendedAt != nil else { return nil }
        let reason = "This workspace is suspended, so its servers cannot be connected to apps. Contact support."
        return try await fail(req, checked, "access_denied", reason, page: reason)
    }

    /// The request fails with `error`: the app hears it at its redirect URI, or the person reads it on a page with a
    /// way back (`failure`), in `page`'s words or, without them, in `failure`'s.
    private static func fail(_ req: Request, _ checked: Checked, _ error: String, _ description: String,
                             page: String? = nil) async throws -> Response {
        switch failure(req, checked.redirectURI, ["error": error, "error_description": description, "state": checked.state]) {
        case .pageWithReturn(let message, let href, let host): return try await errorPage(req, page ?? message, returningTo: (href, host))
        case .redirect(let response): return response
        default: return try await errorPage(req, description)
        }
    }

    private static func owns(_ current: CurrentUser, _ server: HostedServer, _ req: Request) async throws -> Bool {
        server.$organization.id == current.organization.id
    }

    private static func consent(_ req: Request) -> OAuthConsent {
        OAuthConsent(database: req.db, now: req.application.clock.now(), audit: req.auditLog())
    }

    private static func consentPage(_ req: Request, _ current: CurrentUser, _ checked: Checked, _ parameters: Parameters) async throws -> Response {
        // Allow and Deny answer with a redirect to the app, and Chromium holds a form's redirects to the
        // page's `form-action` too: the app's own address is added, or the answer never reaches it.
        if let target = formActionSource(checked.redirectURI) {
            req.contentSecurityPolicyExtension = ContentSecurityPolicyExtension(formActions: [target])
        }
        let view = ConsentView(
            csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.oauth(.authorize).path,
            clientName: checked.client.name, isVerified: checked.client.isVerified,
            // MCP authorization, "Localhost Redirect URI Risks": a metadata document's name is its host's to give, but a
            // code sent to a program on this device reaches whichever program listens there, so say so.
            returnsToThisDevice: checked.client.isVerified && !RedirectURIRule.leavesForTheWeb(checked.redirectURI),
            // As written, in ASCII: a decoded host (`аррӏе.com` for `xn--80ak6aa92e.com`) can pass for another.
            redirectHost: RedirectURIRule.writtenHost(checked.redirectURI)?.lowercased() ?? checked.redirectURI,
            serverName: checked.server.name, scopeText: "Use this server’s tools on your behalf",
            hidden: [
                ("response_type", "code"), ("client_id", checked.client.clientID), ("redirect_uri", checked.redirectURI),
                ("code_challenge", checked.challenge), ("code_challenge_method", "S256"), ("state", parameters.state ?? ""),
                ("scope", checked.scope), ("resource", checked.resource),
            ].filter { !($0.0 == "state" && parameters.state == nil) && !($0.0 == "redirect_uri" && !checked.redirectURISent) }
                .map { ConsentView.Field(name: $0.0, value: $0.1) })
        return try await AppShellBuilder.page(req, current, "OAuth/consent", title: "Allow access", active: .servers, view)
    }

    /// The CSP source that allows a redirect to `uri`: its origin for http(s), its scheme for a native
    /// app's private-use scheme (`cursor:`), which has no origin to name.
    /// A host CSP cannot name (an IPv6 literal) widens to the scheme; anything that could end the
    /// directive early is never written into the header.
    static func formActionSource(_ uri: String) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        guard scheme == "http" || scheme == "https" else { return scheme + ":" }
        guard let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.".contains($0)) }) else { return scheme + ":" }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    private static let unreadable = "The address that brought you here is damaged and its parameters cannot be read. Start connecting again from your app."

    private static func errorPage(_ req: Request, _ message: String, returningTo back: (href: String, host: String)? = nil) async throws -> Response {
        let site = req.site
        var view = ErrorView(status: 400, heading: "This authorization request is not valid", message: message, requestID: nil)
        if let back {
            view.nextLabel = "Return to \(back.host)"
            view.nextHref = back.href
        }
        return try await req.renderHTML("error", Page(layout: site.layout(site.unlistedMeta(title: "Authorization error", description: message), current: nil), page: view),
                                        status: .badRequest).noStore()
    }
}

struct ConsentView: Encodable {
    struct Field: Encodable {
        let name: String
        let value: String
    }

    let csrf: String
    let action: String
    let clientName: String
    let isVerified: Bool
    /// A verified app that sends the person back to a loopback address or an app's own scheme.
    let returnsToThisDevice: Bool
    let redirectHost: String
    let serverName: String
    let scopeText: String
    let hidden: [Field]
}
