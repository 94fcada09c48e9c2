struct StatusView: Encodable {
    struct Check: Encodable {
        let name: String
        let ok: Bool
        let detail: String
    }
    let isHealthy: Bool
    let summary: String
    let checks: [Check]
    /// How the OS contains the sandbox workers, for administrators only (empty otherwise).
    let sandbox: [Check]
    let showsSandbox: Bool
    /// ISO 8601 time of the server-side check.
    let checkedAt: String
    /// The same time for people, e.g. `2026-11-25 12:40:00 UTC`.
    let checkedAtLabel: String
    /// JSON endpoint the status script polls.
    let probeHref: String
    let pollSeconds: Int
}
