import Foundation
import Vapor

/// Writes the public site to a folder by sending each exported route through the
/// application's own responder — the same handlers, middleware and templates that
/// serve it live — so every file is byte-identical to the live response.
struct StaticExporter {
    struct Report: Equatable {
        var pages = 0
        var files = 0
        var bytes = 0
    }

    struct ExportError: Error, CustomStringConvertible {
        let description: String
    }

    /// Marks a folder as ours, so a re-export may replace it and nothing else is deleted.
    static let markerFile = ".bmm-export"

    let app: Application

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
        try await withThrowingTaskGroup(of: (isPage: Bool, bytes: Int).self) { group in
            var iterator = routes.makeIterator()
            func addNext() -> Bool {
                guard let route = iterator.next() else { return false }
                group.addTask {
                    let body = try await render(route.path, expecting: .ok, with: responder)
                    try write(body, to: directory + "/" + route.exportFile)
                    return (route.exportFile.hasSuffix(".html"), body.readableBytes)
                }
                return true
            }
            for _ in 0..<width where addNext() {}
            while let result = try await group.next() {
                report.files += 1
                report.bytes += result.bytes
                if result.isPage { report.pages += 1 }
                _ = addNext()
            }
        }

        // No route answers this path, so rendering it yields the not-found page.
        let notFound = try await render(SiteRoute.notFoundPage.path, expecting: .notFound, with: responder)
        try write(notFound, to: directory + "/" + SiteRoute.notFoundPage.exportFile)
        report.files += 1
        report.bytes += notFound.readableBytes
        for asset in site.assets.allAssets {
            try asset.data.write(to: URL(fileURLWithPath: directory + asset.url))
            report.files += 1
            report.bytes += asset.data.count
        }
        return report
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
