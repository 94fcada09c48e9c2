import Foundation
import Precompression
import Vapor

/// Writes the public site to a folder by sending each exported route through the
/// application's own responder — the same handlers, middleware and templates that
/// serve it live — so every file is byte-identical to the live response.
struct StaticExporter {
    struct Report: Equatable {
        var pages = 0
        var files = 0
        var bytes = 0
        /// `.gz` and `.br` siblings written, not counted in `files` or `bytes`.
        var compressedFiles = 0
    }

    struct ExportError: Error, CustomStringConvertible {
        let description: String
    }

    /// Marks a folder as ours, so a re-export may replace it and nothing else is deleted.
    static let markerFile = ".bmm-export"

    let app: Application
    /// Writes a `.gz` and a `.br` sibling of every text file (`PrecompressedFile`).
    var precompress = true

    func export(to directory: String) async throws -> Report {
        let site = app.publicSite
        guard site.content.problems.isEmpty else {
            throw ExportError(description: "content has problems, nothing exported:\n" + site.content.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        try prepare(directory)

        let routes = SiteMap.routes(site.content).filter(\.isExported)
        var directories = Set<String>()
        for route in routes { directories.insert((route.exportFile as NSString).deletingLastPathComponent) }
        for asset in site.assets.allAssets { directories.insert((String(asset.url.dropFirst()) as NSString).deletingLastPathComponent) }
        for folder in directories where !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }

        // Built once: `app.responder.current` assembles a new router on every access.
        let responder = app.responder.current
        var report = Report()
        // Two requests in flight per core keeps every core busy while files are written.
        let width = max(2, System.coreCount * 2)
        try await withThrowingTaskGroup(of: (isPage: Bool, bytes: Int, compressed: Int).self) { group in
            var iterator = routes.makeIterator()
            func addNext() -> Bool {
                guard let route = iterator.next() else { return false }
                group.addTask {
                    let body = try await render(route.path, expecting: .ok, with: responder)
                    let compressed = try writeWithSiblings(body, to: directory + "/" + route.exportFile, quality: PrecompressedFile.pageQuality)
                    return (route.exportFile.hasSuffix(".html"), body.readableBytes, compressed)
                }
                return true
            }
            for _ in 0..<width where addNext() {}
            while let result = try await group.next() {
                report.files += 1
                report.bytes += result.bytes
                report.compressedFiles += result.compressed
                if result.isPage { report.pages += 1 }
                _ = addNext()
            }
        }

        // No route answers this path, so rendering it yields the not-found page.
        let notFound = try await render(SiteRoute.notFoundPage.path, expecting: .notFound, with: responder)
        report.compressedFiles += try writeWithSiblings(notFound, to: directory + "/" + SiteRoute.notFoundPage.exportFile, quality: PrecompressedFile.pageQuality)
        report.files += 1
        report.bytes += notFound.readableBytes
        for asset in site.assets.allAssets {
            report.compressedFiles += try writeWithSiblings(ByteBuffer(data: asset.data), to: directory + asset.url, quality: PrecompressedFile.assetQuality)
            report.files += 1
            report.bytes += asset.data.count
        }
        return report
    }

    /// Writes `body` to `path`, and its compressed siblings when it is text; returns how many siblings.
    private func writeWithSiblings(_ body: ByteBuffer, to path: String, quality: Int32) throws -> Int {
        try write(body, to: path)
        guard precompress, PrecompressedFile.isText(path) else { return 0 }
        let (gzip, brotli) = try body.withUnsafeReadableBytes { bytes in
            (try Precompression.gzip(bytes), try Precompression.brotli(bytes, quality: quality))
        }
        try write(ByteBuffer(bytes: gzip), to: path + ".gz")
        try write(ByteBuffer(bytes: brotli), to: path + ".br")
        return 2
    }

    private func render(_ path: String, expecting status: HTTPStatus, with responder: any Responder) async throws -> ByteBuffer {
        let request = Request(application: app, method: .GET, url: URI(path: path), on: app.eventLoopGroup.any())
        let response = try await responder.respond(to: request).get()
        guard response.status == status else {
            throw ExportError(description: "\(path) answered \(response.status.code), expected \(status.code)")
        }
        guard let body = response.body.buffer else {
            throw ExportError(description: "\(path) answered with a streamed body, which cannot be exported")
        }
        return body
    }

    private func write(_ body: ByteBuffer, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ExportError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try body.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { throw ExportError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
    }

    /// Creates `directory`, or empties it when it holds an earlier export.
    private func prepare(_ directory: String) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ExportError(description: "\(directory) exists and is not a folder") }
            let entries = try fileManager.contentsOfDirectory(atPath: directory)
            if !entries.isEmpty {
                guard entries.contains(Self.markerFile) else {
                    throw ExportError(description: "\(directory) is not empty and was not written by `bmm export`; choose an empty folder")
                }
                for entry in entries { try fileManager.removeItem(atPath: directory + "/" + entry) }
            }
        } else {
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        fileManager.createFile(atPath: directory + "/" + Self.markerFile, contents: Data("Written by bmm export. Re-exporting replaces this folder.\n".utf8))
    }
}

#if canImport(Glibc)
import Glibc
#endif
