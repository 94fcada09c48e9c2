import Foundation
import NIOConcurrencyHelpers

/// Tells open MCP notification streams when their server's tool list changes: a new
/// version goes live or an older one is rolled back. The live version is read from the
/// database, a quarter of a second apart, for every server someone listens to (one
/// query however many listeners), so a change made through any instance reaches the
/// listeners of every instance within a second. The same tick sends keepalives, so a
/// client that went away is noticed when writing to it fails. A 2025 session may hold
/// several streams, and the transport forbids sending one message on more than one of
/// them: a change reaches only the session's newest stream.
final class ToolListWatch: Sendable {
    enum Event: Sendable, Equatable {
        case toolsChanged
        case keepalive
    }

    /// The live version of each of `servers` (nil when none is live); servers that no longer exist are left out.
    typealias LiveVersions = @Sendable (_ servers: [UUID]) async throws -> [UUID: UUID?]

    let interval: Duration
    let keepaliveInterval: Duration
    private let liveVersions: LiveVersions
    private let state = NIOLockedValueBox(State())

    private struct Listener {
        let continuation: AsyncStream<Event>.Continuation
        /// The MCP session the stream belongs to (2025 revisions); nil for a stream of its own.
        let session: String?
        /// Order of opening: the highest of a session's streams is its newest.
        let sequence: Int
    }

    private struct State {
        var listeners: [UUID: [UUID: Listener]] = [:]
        var opened = 0
        /// What each watched server's live version was at the last look.
        var known: [UUID: UUID?] = [:]
        var poller: Task<Void, Never>?
        var isShutDown = false
    }

    init(interval: Duration = .milliseconds(250), keepaliveInterval: Duration = .seconds(15), liveVersions: @escaping LiveVersions) {
        self.interval = interval
        self.keepaliveInterval = keepaliveInterval
        self.liveVersions = liveVersions
    }

    var listenerCount: Int { state.withLockedValue { $0.listeners.values.reduce(0) { $0 + $1.count } } }

    /// Events for `server` until the stream is dropped or the watch shuts down. `liveVersion`
    /// is the version the listener's client knows, so a change that lands before the
    /// first look still counts. Streams of one `session` share each change: only the newest hears it.
    func listen(to server: UUID, liveVersion: UUID?, session: String? = nil) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(2))
        let id = UUID()
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.isShutDown else { return false }
            if state.listeners[server] == nil { state.known[server] = liveVersion }
            state.opened += 1
            state.listeners[server, default: [:]][id] = Listener(continuation: continuation, session: session, sequence: state.opened)
            if state.poller == nil { state.poller = Task { [weak self] in await self?.poll() } }
            return true
        }
        guard accepted else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in self?.drop(id, of: server) }
        return stream
    }

    /// Ends every stream (their clients get a graceful close) and stops looking.
    func shutdown() async {
        let (continuations, poller) = state.withLockedValue { state in
            state.isShutDown = true
            defer { state.listeners = [:]; state.known = [:]; state.poller = nil }
            return (state.listeners.values.flatMap(\.values).map(\.continuation), state.poller)
        }
        continuations.forEach { $0.finish() }
        poller?.cancel()
        _ = await poller?.value
    }

    private func drop(_ id: UUID, of server: UUID) {
        state.withLockedValue { state in
            state.listeners[server]?[id] = nil
            if state.listeners[server]?.isEmpty == true {
                state.listeners[server] = nil
                state.known[server] = nil
            }
        }
    }

    private func poll() async {
        var lastKeepalive = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let servers = state.withLockedValue { state -> [UUID]? in
                if state.listeners.isEmpty || state.isShutDown {
                    state.poller = nil
                    return nil
                }
                return Array(state.listeners.keys)
            }
            guard let servers else { return }
            var live: [UUID: UUID?] = [:]
            var looked: Set<UUID> = []
            // A database hiccup skips a tick; the next one catches up.
            for chunk in stride(from: 0, to: servers.count, by: 500).map({ Array(servers[$0..<min($0 + 500, servers.count)]) }) {
                guard let found = try? await liveVersions(chunk) else { continue }
                live.merge(found) { _, new in new }
                looked.formUnion(chunk)
            }
            let sendKeepalive = ContinuousClock.now - lastKeepalive >= keepaliveInterval
            if sendKeepalive { lastKeepalive = .now }
            let (deliveries, gone) = state.withLockedValue { state in
                var deliveries: [(AsyncStream<Event>.Continuation, Event)] = []
                var gone: [AsyncStream<Event>.Continuation] = []
                for (server, listeners) in state.listeners {
                    if looked.contains(server), live[server] == nil {
                        // The server was deleted: its streams end.
                        gone += listeners.values.map(\.continuation)
                    } else if let version = live[server], version != state.known[server] {
                        state.known[server] = version
                        deliveries += Self.oneStreamPerSession(listeners.values).map { ($0, .toolsChanged) }
                    } else if sendKeepalive {
                        deliveries += listeners.values.map { ($0.continuation, .keepalive) }
                    }
                }
                return (deliveries, gone)
            }
            for (continuation, event) in deliveries { continuation.yield(event) }
            gone.forEach { $0.finish() }
        }
    }

    /// Every stream of its own, and the newest stream of each session.
    private static func oneStreamPerSession(_ listeners: some Sequence<Listener>) -> [AsyncStream<Event>.Continuation] {
        var newest: [String: Listener] = [:]
        var chosen: [AsyncStream<Event>.Continuation] = []
        for listener in listeners {
            guard let session = listener.session else {
                chosen.append(listener.continuation)
                continue
            }
            if (newest[session]?.sequence ?? .min) < listener.sequence { newest[session] = listener }
        }
        return chosen + newest.values.map(\.continuation)
    }
}
