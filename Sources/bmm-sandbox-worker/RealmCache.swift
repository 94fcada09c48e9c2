import CJavaScriptCore

/// The warm realms a worker keeps, most recently used last. A realm goes when a newer one
/// would make more than `capacity` (each holds a context, its runtime and compiled tools:
/// a few hundred KB that count against every call's memory limit), once it has served
/// `maxCalls` calls, or when it was idle for `maxIdleSeconds`, so what a long-lived realm
/// accumulates stays bounded and an unused server's state does not linger.
struct RealmCache {
    static let capacity = 32
    static let maxCalls = 1000
    static let maxIdleSeconds: Double = 300

    private var realms: [ToolRealm] = []

    var count: Int { realms.count }

    /// Takes the realm kept for `key` out of the cache, if there is one still fit to serve.
    mutating func take(_ key: JSStringRef) -> ToolRealm? {
        let now = monotonicSeconds()
        realms.removeAll { realm in
            guard now - realm.lastUsed > Self.maxIdleSeconds else { return false }
            realm.discard()
            return true
        }
        guard let index = realms.firstIndex(where: { $0.holds(key) }) else { return nil }
        return realms.remove(at: index)
    }

    /// Keeps a realm whose call ended well; one that reached its quota of calls is discarded.
    mutating func keep(_ realm: ToolRealm) {
        guard realm.calls < Self.maxCalls else { return realm.discard() }
        realms.append(realm)
        if realms.count > Self.capacity { realms.removeFirst().discard() }
    }
}
