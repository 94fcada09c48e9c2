import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Who a bearer token speaks for on the MCP endpoint, kept for at most `lifetime` so a
/// hot client does not cost a token lookup per call. Keyed by the token's SHA-256, never
/// the token. Only callers the database accepted are kept (a refused token is asked about
/// every time), and a token past its expiry is never answered from here. A revocation made
/// through this instance (a token or grant revoked, a member removed, a workspace suspended,
/// an account deleted) forgets the callers it touches at once; other instances, which cannot
/// hear of it, answer from their copy for at most `lifetime`, the same bound the server
/// context cache keeps.
final class CallerCache: Sendable {
    struct Entry: Sendable {
        let caller: BearerCaller
        /// The OAuth token's audience; nil for personal API tokens, which reach every server of their workspace.
        let resource: String?
        let storedAt: ContinuousClock.Instant
    }

    /// What a revocation touched.
    enum Scope: Sendable {
        case token(hash: String)
        case grant(UUID)
        case member(user: UUID, organization: UUID)
        case user(UUID)
        case organization(UUID)
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Counts revocations, so a lookup that overlapped one does not keep what it read.
        var revocations = 0
    }

    private let state = NIOLockedValueBox(State())
    let lifetime: Duration
    /// Callers kept at most; beyond it the oldest tenth is dropped.
    let capacity: Int

    init(lifetime: Duration = .seconds(1), capacity: Int = 20_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// The caller for the token whose SHA-256 is `tokenHash`: kept, or asked of `resolve` and kept.
    func caller(tokenHash: String, resource: String?, now: Date,
                resolve: () async throws -> BearerCaller?) async throws -> BearerCaller? {
        if let kept = state.withLockedValue({ $0.entries[tokenHash] }), ContinuousClock.now - kept.storedAt < lifetime,
           kept.resource == resource, kept.caller.expiresAt.map({ now < $0 }) ?? true {
            return kept.caller
        }
        // Taken before the lookup, so the answer's age counts from before the database was asked.
        let asked = ContinuousClock.now
        let generation = state.withLockedValue { $0.revocations }
        guard let caller = try await resolve() else {
            state.withLockedValue { $0.entries[tokenHash] = nil }
            return nil
        }
        let capacity = capacity
        state.withLockedValue { state in
            // A revocation here while the lookup ran may have been missed by it: keep nothing then.
            guard state.revocations == generation else { return }
            if state.entries[tokenHash] == nil, state.entries.count >= capacity {
                let oldest = state.entries.sorted { $0.value.storedAt < $1.value.storedAt }.prefix(max(1, capacity / 10))
                for (key, _) in oldest { state.entries[key] = nil }
            }
            state.entries[tokenHash] = Entry(caller: caller, resource: resource, storedAt: asked)
        }
        return caller
    }

    /// Forgets every kept caller the revocation touched.
    func forget(_ scope: Scope) {
        state.withLockedValue { state in
            state.revocations += 1
            state.entries = state.entries.filter { key, entry in !Self.matches(scope, entry.caller, key: key) }
        }
    }

    private static func matches(_ scope: Scope, _ caller: BearerCaller, key: String) -> Bool {
        switch scope {
        case .token(let hash): key == hash
        case .grant(let id): caller.grantID == id
        case .member(let user, let organization): caller.userID == user && caller.organizationID == organization
        case .user(let id): caller.userID == id
        case .organization(let id): caller.organizationID == id
        }
    }
}

extension Application {
    private struct CallerCacheKey: StorageKey {
        typealias Value = CallerCache
    }

    /// Created in `configure`, before any request can race to create it.
    var callers: CallerCache {
        get { configured(CallerCacheKey.self) }
        set { storage[CallerCacheKey.self] = newValue }
    }
}
