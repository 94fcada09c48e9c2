import Crypto

/// The name of the warm realm a call may run in: a digest of its workspace, server,
/// server version, secrets and limits, so a change to any of them names a different realm
/// (and the old one is never used again). Only the digest reaches the worker, never a
/// secret in it. Calls without a workspace, server or version get none and run in a fresh
/// context.
enum RealmKey {
    static func of(_ call: SandboxCall) -> String? {
        guard let workspace = call.workspace, let server = call.server, let version = call.version else { return nil }
        var hasher = SHA256()
        // Each field with its length first, so no two different calls write the same bytes.
        func add(_ text: String) {
            let bytes = Array(text.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        add(workspace)
        add(server)
        add(version)
        add(String(call.secrets.count))
        for (name, value) in call.secrets.sorted(by: { $0.key < $1.key }) {
            add(name)
            add(value)
        }
        let limits = call.limits
        for limit in [limits.cpuMilliseconds, limits.wallMilliseconds, limits.memoryMegabytes, limits.maxFetches,
                      limits.maxResponseBytes, limits.maxResultBytes, limits.maxLogLines] {
            add(String(limit))
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hasher.finalize() {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
