/// Which calls get a warm realm. A realm pays off only when its server is called again before
/// the worker lets the realm go (it keeps `SandboxPool.realmsPerWorker`), and building one
/// and keeping it costs more than a fresh context that is dropped at once: the kept realms
/// grow old in the worker's heap and every collection marks them. Over thousands of servers
/// each called once in a while, keeping every realm made a call slower than with warm realms
/// off (Benchmarks/mcp --full, 10,000 servers: 1,243 against 1,806 calls/s).
///
/// So a realm is admitted on its second sighting: a call whose realm no worker holds runs in a
/// fresh context and is remembered; if the same realm is asked for again while it is among the
/// last `window` remembered, that call builds the realm and the worker keeps it. A hot server
/// loses only its first warm call; a server seen once never costs a kept realm.
struct RealmAdmission {
    /// How many realms seen once are remembered; 0 admits every realm at once.
    let window: Int
    /// Each remembered realm with the number of the sighting that put it there.
    private var remembered: [String: Int] = [:]
    /// Sightings, oldest first; one whose number no longer matches `remembered` was admitted since.
    private var order = FrontQueue<(realm: String, sighting: Int)>()
    /// Entries in `order`, live or left behind by an admission.
    private(set) var ordered = 0
    private var sightings = 0

    init(window: Int) {
        self.window = max(0, window)
    }

    /// Realms seen once and remembered.
    var count: Int { remembered.count }

    /// Whether a call may build and keep `realm`, which no worker holds; if not, the realm is
    /// remembered so that its next call may.
    mutating func admits(_ realm: String) -> Bool {
        guard window > 0 else { return true }
        if remembered.removeValue(forKey: realm) != nil { return true }
        sightings += 1
        remembered[realm] = sightings
        order.append((realm, sightings))
        ordered += 1
        while remembered.count > window {
            let oldest = order.removeFirst()
            ordered -= 1
            if remembered[oldest.realm] == oldest.sighting { remembered[oldest.realm] = nil }
        }
        // Each admission leaves its sighting behind in `order`; past a few windows' worth they go.
        if ordered > 4 * window {
            order.removeAll()
            for (realm, sighting) in remembered.sorted(by: { $0.value < $1.value }) { order.append((realm, sighting)) }
            ordered = remembered.count
        }
        return false
    }

    mutating func removeAll() {
        remembered.removeAll()
        order.removeAll()
        ordered = 0
    }
}
