import Core
import Foundation

/// Secrets for development, generated on first start into the data directory
/// (mode 0600) so that a restart keeps sessions and encrypted values readable.
/// Never used in production: there the keys must come from the environment.
struct DevelopmentKeys: Codable {
    var sessionSecret: String
    var encryptionKey: String

    static let fileName = "dev-keys.json"

    static func loadOrCreate(in directory: String) throws -> DevelopmentKeys {
        let fileManager = FileManager.default
        let path = directory + "/" + fileName
        if let data = fileManager.contents(atPath: path),
           let keys = try? JSONDecoder().decode(DevelopmentKeys.self, from: data) {
            return keys
        }
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keys = DevelopmentKeys(
            sessionSecret: Hex.encode(randomBytes(32)),
            encryptionKey: Data(randomBytes(32)).base64EncodedString()
        )
        let data = try JSONEncoder().encode(keys)
        guard fileManager.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ConfigError(problems: ["cannot write development keys to \(path)"])
        }
        return keys
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
