import Core
import Egress
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Finds the client behind a `client_id`: one registered here (RFC 7591), or an
/// https URL whose Client ID Metadata Document is fetched through the egress
/// guard (no private addresses, small and quick) and cached as its headers allow.
///
/// A metadata fetch is an outbound request anyone could aim by crafting a link, so
/// it happens only for a signed-in person, counts against their hourly limit, and
/// fails with one generic message: what the egress guard saw (a private address a
/// name resolved to, a redirect) goes to the log, not to the page (SECURITY.md 43).
struct OAuthClients: Sendable {
    /// How long a registration may go unused before it is refused, then deleted.
    static let unusedLifetime: TimeInterval = 90 * 24 * 3600

    let database: any Database
    let now: Date
    let random: AppRandom
    let hosting: HostingEnvironment
    let metadataCache: OAuthMetadataCache
    let rateLimits: RateLimitPolicy
    /// Private-use redirect schemes the operator allows (`BMM_OAUTH_APP_SCHEMES`).
    let appSchemes: Set<String>
    let logger: Logger

    struct Resolved: Sendable {
        let clientID: String
        let name: String
        let redirectURIs: [String]
        /// Registered by anyone, so its name proves nothing; the consent page says so.
        let isVerified: Bool
    }

    struct RegistrationRequest: Content {
        var client_name: String?
        var redirect_uris: [String]?
        var grant_types: [String]?
        var response_types: [String]?
        var token_endpoint_auth_method: String?
    }

    struct Registered: Content {
        let client_id: String
        let client_name: String
        let redirect_uris: [String]
        let grant_types: [String]
        let response_types: [String]
        let token_endpoint_auth_method: String
        let client_id_issued_at: Int
    }

    /// The IANA registry's client authentication methods, each registered as `none`.
    static let substitutedAuthMethods: Set<String> = [
        "client_secret_post", "client_secret_basic", "client_secret_jwt", "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth",
    ]

    func register(_ request: RegistrationRequest) async throws -> Registered {
        guard let uris = request.redirect_uris, !uris.isEmpty, uris.count <= 10 else {
            throw OAuthError("invalid_redirect_uri", "redirect_uris must list 1 to 10 URIs.")
        }
        for uri in uris {
            if let problem = RedirectURIRule.problem(uri, appSchemes: appSchemes) { throw OAuthError("invalid_redirect_uri", problem) }
        }
        // Every client here is public: PKCE protects the code. A client that asks for a secret (Claude's connectors
        // ask for client_secret_post) is registered as public all the same, and the answer's `none` tells it so
        // (RFC 7591 §3.2.1 lets the server replace requested metadata). A method no registry names is a mistake.
        if let method = request.token_endpoint_auth_method, method != "none", !Self.substitutedAuthMethods.contains(method) {
            throw OAuthError("invalid_client_metadata",
                             "token_endpoint_auth_method \(method) is not one OAuth defines; clients here are public (none), and PKCE protects the code.")
        }
        if let grants = request.grant_types, !Set(grants).isSubset(of: ["authorization_code", "refresh_token"]) {
            throw OAuthError("invalid_client_metadata", "Only the authorization_code and refresh_token grants are supported.")
        }
        // The consent page puts this name in front of a person: a direction override would make
        // "Helper \u{202E}noisrev laiciffo" read "Helper official version", as it would for a workspace's name.
        if let raw = request.client_name, raw.unicodeScalars.contains(where: DisplayName.isRefused) {
            throw OAuthError("invalid_client_metadata", "client_name must be one line without control or text-direction characters.")
        }
        let name = String((request.client_name ?? "Unnamed client").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        // Marks stacked by the thousand on a few letters would spill over the consent page's warning.
        guard TextCheck.fits(name, limit: 100) else {
            throw OAuthError("invalid_client_metadata", "client_name must be at most 100 characters, each with at most a few accents.")
        }
        let client = OAuthClient()
        client.clientID = "bmmc_" + random.token(bytes: 16)
        client.clientName = name.isEmpty ? "Unnamed client" : name
        client.redirectURIsJSON = String(decoding: try JSONEncoder().encode(uris), as: UTF8.self)
        client.kind = "dcr"
        client.createdAt = now
        client.lastUsedAt = now
        try await client.create(on: database)
        return Registered(client_id: client.clientID, client_name: client.clientName, redirect_uris: uris,
                          grant_types: ["authorization_code", "refresh_token"], response_types: ["code"],
                          token_endpoint_auth_method: "none", client_id_issued_at: Int(now.timeIntervalSince1970))
    }

    /// Whether the token and revocation endpoints know `clientID`: registered here, or a
    /// metadata-document client someone granted access (it has a code or token only then).
    /// A registered client asking is in use: a connected app that only ever refreshes its tokens never comes
    /// back to the authorize page, and must not expire as unused while it works.
    func isKnown(_ clientID: String) async throws -> Bool {
        if Self.isMetadataURL(clientID) {
            return try await OAuthGrant.query(on: database).filter(\.$clientID == clientID).first() != nil
        }
        guard let client = try await OAuthClient.query(on: database).filter(\.$clientID == clientID).first() else { return false }
        try await markUsed(client)
        return true
    }

    /// `lastUsedAt` moves at most once an hour: a busy client is not a write per request.
    private func markUsed(_ client: OAuthClient) async throws {
        guard now.timeIntervalSince(client.lastUsedAt) > 3600 else { return }
        client.lastUsedAt = now
        try await client.save(on: database)
    }

    /// Whether resolving `clientID` may need an outbound fetch, which waits for sign-in.
    static func isMetadataURL(_ clientID: String) -> Bool {
        clientID.hasPrefix("https://")
    }

    /// nil for an unknown client (the authorize page explains; it never redirects).
    /// `requester` is the signed-in person a metadata document would be fetched for.
    func resolve(_ clientID: String, requester: UUID?) async throws -> Resolved? {
        if Self.isMetadataURL(clientID) {
            guard let requester else { throw OAuthError("invalid_client", "Sign in to continue.") }
            return try await metadataDocument(clientID, requester: requester)
        }
        guard let client = try await OAuthClient.query(on: database).filter(\.$clientID == clientID).first() else { return nil }
        // Registrations unused for 90 days expire (and `ExpiredRowPruning` deletes them).
        guard now.timeIntervalSince(client.lastUsedAt) < Self.unusedLifetime else { return nil }
        try await markUsed(client)
        return Resolved(clientID: client.clientID, name: client.clientName, redirectURIs: client.redirectURIs, isVerified: false)
    }

    struct MetadataDocument: Decodable {
        let client_id: String
        let client_name: String?
        let redirect_uris: [String]
    }

    private func metadataDocument(_ url: String, requester: UUID) async throws -> Resolved? {
        if let cached = metadataCache.get(url, now: now) { return cached }
        try await RateLimiter(database: database, now: now).hit("oauth-cimd:" + requester.uuidString, rateLimits.clientMetadataFetchesPerUser)
        // Public hosts only: the ranges an operator opens are for tools that name their hosts, and anyone signed in
        // can make this fetch.
        let policy = EgressPolicy(allowedDomains: ["*"], extraAllowedCIDRs: [],
                                  maxResponseBytes: 64 * 1024, timeout: .seconds(5), maxRedirects: 0, allowedSchemes: ["https"])
        let response: EgressResponse
        do {
            response = try await hosting.egress.fetch(EgressRequest(url: url, headers: [EgressHeader("Accept", "application/json")]), policy: policy)
        } catch {
            logger.info("client metadata document not fetched", metadata: ["client_id": .string(url), "reason": .string(error.description)])
            throw OAuthError("invalid_client", Self.unavailable)
        }
        guard response.status == 200,
              let document = try? JSONDecoder().decode(MetadataDocument.self, from: Data(response.body)),
              document.client_id == url, !document.redirect_uris.isEmpty,
              document.redirect_uris.allSatisfy({ RedirectURIRule.problem($0, appSchemes: appSchemes) == nil })
        else {
            logger.info("client metadata document refused", metadata: ["client_id": .string(url), "status": .stringConvertible(response.status)])
            throw OAuthError("invalid_client", Self.unavailable)
        }
        let host = URL(string: url)?.host ?? url
        let resolved = Resolved(clientID: url, name: Self.documentName(document.client_name, host: host),
                                redirectURIs: document.redirect_uris, isVerified: true)
        let maxAge = response.headers.first(named: "Cache-Control").flatMap(Self.maxAge) ?? 300
        metadataCache.put(url, resolved, until: now.addingTimeInterval(TimeInterval(min(maxAge, 86_400))), now: now)
        return resolved
    }

    /// How the consent page names an app with a metadata document: its `client_name` and the host that vouches for it.
    /// A name with control or text-direction characters is not shown at all: the host alone names the app.
    static func documentName(_ clientName: String?, host: String) -> String {
        guard let name = clientName.map({ String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }), !name.isEmpty,
              !name.unicodeScalars.contains(where: DisplayName.isRefused) else { return host }
        return "\(name) (\(host))"
    }

    static let unavailable = "This app's client metadata document could not be used: it must be served over https at its client_id URL, as JSON whose client_id equals that URL and whose redirect_uris are acceptable."

    static func maxAge(_ header: String) -> Int? {
        if header.contains("no-store") || header.contains("no-cache") { return 0 }
        guard let range = header.range(of: "max-age=") else { return nil }
        return Int(header[range.upperBound...].prefix { $0.isNumber })
    }
}

/// Client metadata documents by URL, until their cache lifetime ends. Bounded:
/// anyone signed in can name new URLs, and memory must not grow with them.
final class OAuthMetadataCache: Sendable {
    let capacity: Int
    private let entries = NIOLockedValueBox<[String: (OAuthClients.Resolved, Date)]>([:])

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    var count: Int { entries.withLockedValue { $0.count } }

    func get(_ url: String, now: Date) -> OAuthClients.Resolved? {
        entries.withLockedValue { $0[url] }.flatMap { $0.1 > now ? $0.0 : nil }
    }

    /// When full, expired entries go first, then those that expire soonest.
    func put(_ url: String, _ value: OAuthClients.Resolved, until: Date, now: Date) {
        entries.withLockedValue { entries in
            if entries[url] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.1 > now }
                while entries.count >= capacity, let soonest = entries.min(by: { $0.value.1 < $1.value.1 }) {
                    entries[soonest.key] = nil
                }
            }
            entries[url] = (value, until)
        }
    }
}

extension Application {
    private struct MetadataCacheKey: StorageKey {
        typealias Value = OAuthMetadataCache
    }

    var oauthMetadataCache: OAuthMetadataCache {
        get { configured(MetadataCacheKey.self) }
        set { storage[MetadataCacheKey.self] = newValue }
    }
}

extension Request {
    func oauthClients() -> OAuthClients {
        OAuthClients(database: db, now: application.clock.now(), random: application.random, hosting: application.hosting,
                     metadataCache: application.oauthMetadataCache, rateLimits: application.config.rateLimits,
                     appSchemes: application.config.oauthAppSchemes, logger: logger)
    }
}
