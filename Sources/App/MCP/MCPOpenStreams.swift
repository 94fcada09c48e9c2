import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The notification streams (2025 `GET`, 2026-07-28 `subscriptions/listen`) each bearer token holds open on this
/// instance. Each stream is an open connection and a listener until the client leaves, so one token may hold at
/// most `perToken`; another is refused with 429 until one closes.
final class MCPOpenStreams: Sendable {
    let perToken: Int
    private let open = NIOLockedValueBox<[String: Int]>([:])

    /// Enough for a token shared by a team's clients, each listening; a bound all the same.
    init(perToken: Int = 50) { self.perToken = perToken }

    /// Takes a place for `token`'s new stream, or false when it holds `perToken` already.
    func claim(_ token: String) -> Bool {
        open.withLockedValue { open in
            guard open[token, default: 0] < perToken else { return false }
            open[token, default: 0] += 1
            return true
        }
    }

    func release(_ token: String) {
        open.withLockedValue { open in
            let left = open[token, default: 1] - 1
            open[token] = left > 0 ? left : nil
        }
    }

    func count(_ token: String) -> Int { open.withLockedValue { $0[token, default: 0] } }

    /// One claimed place, given back once: when its stream ends, or when the response holding it is
    /// dropped without its body ever running.
    final class Place: Sendable {
        private let streams: MCPOpenStreams
        private let token: String
        private let released = NIOLockedValueBox(false)

        init(_ streams: MCPOpenStreams, token: String) {
            self.streams = streams
            self.token = token
        }

        func release() {
            let first = released.withLockedValue { released in
                defer { released = true }
                return !released
            }
            if first { streams.release(token) }
        }

        deinit { release() }
    }
}

extension Application {
    private struct MCPOpenStreamsKey: StorageKey {
        typealias Value = MCPOpenStreams
    }

    /// Created in `configure`, before any request can race to create it.
    var mcpStreams: MCPOpenStreams {
        get { configured(MCPOpenStreamsKey.self) }
        set { storage[MCPOpenStreamsKey.self] = newValue }
    }
}
