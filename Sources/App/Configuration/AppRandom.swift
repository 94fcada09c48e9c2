import Foundation
import Vapor

/// The source of every secret the app makes (session ids, tokens, codes),
/// injectable like the clock so tests can make them predictable. The default
/// reads the system CSPRNG.
struct AppRandom: Sendable {
    var bytes: @Sendable (Int) -> [UInt8]

    static let system = AppRandom { count in
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// `count` random bytes, base64url without padding (43 characters for 32 bytes).
    func token(bytes count: Int = 32) -> String {
        Data(bytes(count)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A uniformly random 6-digit code: rejection sampling over 32-bit draws keeps
    /// every code equally likely.
    func sixDigitCode() -> String {
        let bound: UInt32 = 1_000_000
        let limit = UInt32.max - UInt32.max % bound
        while true {
            let value = bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if value < limit { return String(format: "%06d", Int(value % bound)) }
        }
    }
}

extension Application {
    private struct RandomKey: StorageKey {
        typealias Value = AppRandom
    }

    var random: AppRandom {
        get { storage[RandomKey.self] ?? .system }
        set { storage[RandomKey.self] = newValue }
    }
}
