import Core
import Egress
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Finds the client behind a `client_id`: one registered here (RFC 7591), or an
/// https URL whose Client ID Metadata Document is fetched through the egress
/// guard (no private addresses, small and quick) and cached as its headers allow.
struct OAuthClients: Sendable {
    let database: any Database
    let now: Date
    let random: AppRandom
    let hosting: HostingEnvironment
    let metadataCache: OAuthMetadataCache

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

    func register(_ request: RegistrationRequest) async throws -> Registered {
        guard let uris = request.redirect_uris, !uris.isEmpty, uris.count <= 10 else {
            throw OAuthError("invalid_redirect_uri", "redirect_uris must list 1 to 10 URIs.")
        }
        for uri in uris {
            if let problem = RedirectURIRule.problem(uri) { throw OAuthError("invalid_redirect_uri", problem) }
        }
        if let method = request.token_endpoint_auth_method, method != "none" {
            throw OAuthError("invalid_client_metadata", "Only public clients are supported: token_endpoint_auth_method must be none (PKCE protects the code).")
        }
        if let grants = request.grant_types, !Set(grants).isSubset(of: ["authorization_code", "refresh_token"]) {
            throw OAuthError("invalid_client_metadata", "Only the authorization_code and refresh_token grants are supported.")
        }
        let name = String((request.client_name ?? "Unnamed client").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
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

    /// nil for an unknown client (the authorize page explains; it never redirects).
    func resolve(_ clientID: String) async throws -> Resolved? {
        if clientID.hasPrefix("https://") {
            return try await metadataDocument(clientID)
        }
        guard let client = try await OAuthClient.query(on: database).filter(\.$clientID == clientID).first() else { return nil }
        // Registrations unused for 90 days expire.
        guard now.timeIntervalSince(client.lastUsedAt) < 90 * 24 * 3600 else { return nil }
        if now.timeIntervalSince(client.lastUsedAt) > 3600 {
            client.lastUsedAt = now
            try await client.save(on: database)
        }
        return Resolved(clientID: client.clientID, name: client.clientName, redirectURIs: client.redirectURIs, isVerified: false)
    }

    struct MetadataDocument: Decodable {
        let client_id: String
        let client_name: String?
        let redirect_uris: [String]
    }

    private func metadataDocument(_ url: String) async throws -> Resolved? {
        if let cached = metadataCache.get(url, now: now) { return cached }
        let policy = EgressPolicy(allowedDomains: ["*"], extraAllowedCIDRs: hosting.extraAllowedCIDRs,
                                  maxResponseBytes: 64 * 1024, timeout: .seconds(5), maxRedirects: 0, allowedSchemes: ["https"])
        let response: EgressResponse
        do {
            response = try await hosting.egress.fetch(EgressRequest(url: url, headers: [EgressHeader("Accept", "application/json")]), policy: policy)
        } catch {
            throw OAuthError("invalid_client", "The client's metadata document could not be fetched: \(error.description)")
        }
        guard response.status == 200,
              let document = try? JSONDecoder().decode(MetadataDocument.self, from: Data(response.body)),
              document.client_id == url, !document.redirect_uris.isEmpty,
              document.redirect_uris.allSatisfy({ RedirectURIRule.problem($0) == nil })
        else { throw OAuthError("invalid_client", "The client's metadata document is not valid (client_id must equal its URL; redirect_uris must be acceptable).") }
        let host = URL(string: url)?.host ?? url
        let resolved = Resolved(clientID: url, name: document.client_name.map { "\($0) (\(host))" } ?? host,
                                redirectURIs: document.redirect_uris, isVerified: true)
        let maxAge = response.headers.first(named: "Cache-Control").flatMap(Self.maxAge) ?? 300
        metadataCache.put(url, resolved, until: now.addingTimeInterval(TimeInterval(min(maxAge, 86_400))))
        return resolved
    }

    static func maxAge(_ header: String) -> Int? {
        if header.contains("no-store") || header.contains("no-cache") { return 0 }
        guard let range = header.range(of: "max-age=") else { return nil }
        return Int(header[range.upperBound...].prefix { $0.isNumber })
    }
}

/// Client metadata documents by URL, until their cache lifetime ends.
final class OAuthMetadataCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (OAuthClients.Resolved, Date)]>([:])

    func get(_ url: String, now: Date) -> OAuthClients.Resolved? {
        entries.withLockedValue { $0[url] }.flatMap { $0.1 > now ? $0.0 : nil }
    }

    func put(_ url: String, _ value: OAuthClients.Resolved, until: Date) {
        entries.withLockedValue { $0[url] = (value, until) }
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
                     metadataCache: application.oauthMetadataCache)
    }
}
