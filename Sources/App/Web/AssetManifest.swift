import Core
import Crypto
import Foundation

/// The files in `Public/`, each served under a content-hashed name
/// (`css/site.css` -> `/assets/css/site.1a2b3c4d5e.css`) so browsers and CDNs can
/// cache them forever. Loaded once at start-up; the folder is small.
struct AssetManifest: Sendable {
    struct Asset: Sendable {
        let logicalPath: String
        let url: String
        let contentType: String
        let data: Data
        /// The fingerprint as a validator, for a browser revalidating before the URL changes.
        let eTag: String
    }

    /// Served at a fixed URL instead: a service worker must keep its path and scope.
    static let serviceWorkerFile = "sw.js"

    private(set) var byLogicalPath: [String: Asset] = [:]
    private(set) var byURL: [String: Asset] = [:]
    private(set) var serviceWorkerSource: String = ""
    /// Hash of every asset together; changes whenever any file changes.
    private(set) var version: String = ""

    init(publicDirectory: String) throws {
        let fileManager = FileManager.default
        // Resolved, so an installation whose `Public` is a symlink (to a release folder) is read through it.
        let root = URL(fileURLWithPath: publicDirectory).resolvingSymlinksInPath().standardizedFileURL
        guard let enumerator = fileManager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw AssetError(message: "cannot read the assets folder \(publicDirectory)")
        }
        var combined = SHA256()
        var files: [(String, URL)] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            files.append((relative, url))
        }
        // `dev/` holds development-only scripts: never fingerprinted, served or exported.
        for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) where !relative.hasPrefix("dev/") {
            let data = try Data(contentsOf: url)
            combined.update(data: data)
            if relative == Self.serviceWorkerFile {
                serviceWorkerSource = String(decoding: data, as: UTF8.self)
                continue
            }
            let hash = Self.shortHash(data)
            let fingerprinted = Self.insert(hash: hash, into: relative)
            let asset = Asset(
                logicalPath: relative,
                url: SiteRoute.asset(.value(fingerprinted)).path,
                contentType: Self.contentType(for: relative),
                data: data,
                eTag: ConditionalRequest.weakETag(hash: hash)
            )
            byLogicalPath[relative] = asset
            byURL[asset.url] = asset
        }
        version = Hex.encode(combined.finalize().prefix(6))
    }

    /// URL of a logical asset path; a missing file is a deploy error worth failing on.
    func url(_ logicalPath: String) throws -> String {
        guard let asset = byLogicalPath[logicalPath] else {
            throw AssetError(message: "missing asset Public/\(logicalPath)")
        }
        return asset.url
    }

    var allAssets: [Asset] { byLogicalPath.values.sorted { $0.url < $1.url } }

    static func shortHash(_ data: Data) -> String {
        Hex.encode(SHA256.hash(data: data).prefix(5))
    }

    static func insert(hash: String, into path: String) -> String {
        let name = (path as NSString).lastPathComponent
        let directory = (path as NSString).deletingLastPathComponent
        let base: String
        let ext: String
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            base = String(name[..<dot])
            ext = String(name[dot...])
        } else {
            base = name
            ext = ""
        }
        let file = "\(base).\(hash)\(ext)"
        return directory.isEmpty ? file : directory + "/" + file
    }

    static func contentType(for path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "webp": "image/webp"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        case "webmanifest": "application/manifest+json"
        default: "application/octet-stream"
        }
    }
}

struct AssetError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
