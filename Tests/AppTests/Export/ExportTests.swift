@testable import App
import Foundation
import Precompression
import Testing
import Vapor
import VaporTesting

@Suite("Static export")
struct ExportTests {
    func exportConfig(docs: String? = nil, baseURL: String? = nil) throws -> AppConfig {
        var config = try testConfig()
        var arguments = ["bmm", "export"]
        if let docs { arguments += ["--content", docs] }
        if let baseURL { arguments += ["--base-url", baseURL] }
        try CommandLineOptions.extract(from: &arguments).apply(to: &config)
        return config
    }

    /// Every file below `directory`, relative to it.
    func files(in directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// The URL path a static server maps to an exported file.
    func urlPath(ofFile file: String) -> String {
        if file == "index.html" { return "/" }
        if file.hasSuffix("/index.html") { return "/" + file.dropLast("/index.html".count) }
        return "/" + file
    }

    @Test("every exported file is byte-identical to the live response")
    func identicalToLive() async throws {
        let out = try makeTemporaryDirectory() + "/site"
        let config = try exportConfig(baseURL: "https://docs.example.com")
        try await withConfiguredApp(config) { app in
            // when
            let report = try await StaticExporter(app: app).export(to: out)
            // then
            let exported = files(in: out).filter { $0 != StaticExporter.markerFile && !isSibling($0) }
            #expect(report.files == exported.count)
            #expect(report.pages >= 15)
            for file in exported {
                let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + file))
                let live = try await get(app, file == "404.html" ? "/some/missing/page" : urlPath(ofFile: file))
                #expect(live.status == (file == "404.html" ? .notFound : .ok), "\(file)")
                #expect(Data(buffer: live.body) == data, "\(file) differs from the live page")
            }
            #expect(exported.contains("sitemap.xml"))
            #expect(exported.contains("robots.txt"))
            #expect(exported.contains("404.html"))
            #expect(exported.contains("changelog/feed.xml"))
            #expect(exported.contains("search-index.json"))
            #expect(exported.contains("sw.js"))
            #expect(exported.contains { $0.hasPrefix("assets/css/site.") })
            #expect(!exported.contains("status/index.html"))
            let home = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
            #expect(HTMLInspector(html: home).canonical == "https://docs.example.com/")
        }
    }

    func isSibling(_ file: String) -> Bool {
        file.hasSuffix(".gz") || file.hasSuffix(".br")
    }

    @Test("every exported text file has .gz and .br siblings holding exactly its bytes; images have none")
    func precompressedSiblings() async throws {
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig()) { app in
            // when
            let report = try await StaticExporter(app: app).export(to: out)
            // then
            let all = Set(files(in: out))
            let originals = all.filter { !isSibling($0) && $0 != StaticExporter.markerFile }
            let text = originals.filter(PrecompressedFile.isText)
            #expect(text.contains("index.html") && text.contains("sitemap.xml") && text.contains { $0.hasSuffix(".css") } && text.contains { $0.hasSuffix(".js") })
            #expect(text.contains { $0.hasSuffix(".svg") } && text.contains("manifest.webmanifest"))
            for file in text {
                let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)))
                let gzip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + file + ".gz")))
                let brotli = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + file + ".br")))
                #expect(try Precompression.gunzip(gzip) == original, "\(file).gz")
                #expect(try Precompression.unbrotli(brotli) == original, "\(file).br")
                if original.count > 1000 { #expect(brotli.count < original.count / 2, "\(file).br barely shrank") }
            }
            let images = originals.filter { $0.hasSuffix(".png") }
            #expect(!images.isEmpty)
            for image in images { #expect(!all.contains(image + ".gz") && !all.contains(image + ".br"), "\(image)") }
            #expect(all.count == originals.count + 1 + 2 * text.count, "a sibling without an original, or a stray file")
            #expect(report.compressedFiles == 2 * text.count)
        }
    }

    @Test("--no-precompress writes no .gz or .br")
    func withoutSiblings() async throws {
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig()) { app in
            // when
            let report = try await StaticExporter(app: app, precompress: false).export(to: out)
            // then
            #expect(!files(in: out).contains(where: isSibling))
            #expect(report.compressedFiles == 0)
        }
    }

    @Test("no exported page links to something missing, and the sitemap lists every page")
    func linksAndSitemap() async throws {
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig()) { app in
            _ = try await StaticExporter(app: app).export(to: out)
            let site = app.publicSite
            let exported = Set(files(in: out))
            let liveOnly = Set([SiteRoute.status, .healthz, .readyz, .login, .dashboard, .templates, .billing()].map(\.path))
            var pages: [String] = []
            for file in exported where file.hasSuffix(".html") {
                let page = HTMLInspector(html: try String(contentsOfFile: out + "/" + file, encoding: .utf8))
                for reference in page.references where reference.hasPrefix("/") && !reference.hasPrefix("//") {
                    let path = String(reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                        .split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
                    if path.isEmpty || liveOnly.contains(path) { continue }
                    let candidates = [String(path.dropFirst()), String(path.dropFirst()) + (path == "/" ? "index.html" : "/index.html")]
                    #expect(candidates.contains(where: exported.contains), "\(file) links to \(path), which is not in the export")
                }
                if file != "404.html" && file != "offline/index.html" { pages.append(site.baseURL + urlPath(ofFile: file)) }
            }
            let sitemap = try String(contentsOfFile: out + "/sitemap.xml", encoding: .utf8)
            for page in pages {
                #expect(sitemap.contains("<loc>\(page == site.baseURL + "/" ? page : page)</loc>"), "sitemap misses \(page)")
            }
        }
    }

    @Test("--content exports another docs folder, rewriting its .md links")
    func contentFolder() async throws {
        // given a folder laid out like the benchmark corpus
        let docs = try makeTemporaryDirectory()
        for section in ["section-000", "section-001"] {
            try FileManager.default.createDirectory(atPath: docs + "/" + section, withIntermediateDirectories: true)
            for page in 0..<3 {
                let text = "---\ntitle: \"Page \(section) \(page)\"\ndescription: \"About \(section) page \(page), long enough to be a description.\"\n---\n\nSee [next](../section-001/page-0000\(page).md).\n\n## Heading \(page)\n"
                try text.write(toFile: "\(docs)/\(section)/page-0000\(page).md", atomically: true, encoding: .utf8)
            }
        }
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig(docs: docs)) { app in
            let report = try await StaticExporter(app: app).export(to: out)
            #expect(FileManager.default.fileExists(atPath: out + "/docs/section-001/page-00002/index.html"))
            #expect(FileManager.default.fileExists(atPath: out + "/docs/section-000/index.html"))
            let html = try String(contentsOfFile: out + "/docs/section-000/page-00001/index.html", encoding: .utf8)
            #expect(html.contains("href=\"/docs/section-001/page-00001\""))
            #expect(report.pages >= 6 + 2 + 1)
        }
    }

    @Test("export refuses broken content and names the file and line")
    func brokenContent() async throws {
        let docs = try makeTemporaryDirectory()
        try "---\ntitle: Fine\ndescription: fine page\n---\n".write(toFile: docs + "/fine.md", atomically: true, encoding: .utf8)
        try "---\ntitle: \"unterminated\n---\n".write(toFile: docs + "/broken.md", atomically: true, encoding: .utf8)
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig(docs: docs)) { app in
            do {
                _ = try await StaticExporter(app: app).export(to: out)
                Issue.record("exported broken content")
            } catch {
                #expect("\(error)".contains(docs + "/broken.md:2: string opened with \" is not closed"))
            }
            // and the live site still serves the good page
            let fine = try await get(app, "/docs/fine")
            #expect(fine.status == .ok)
        }
    }

    @Test("export never deletes a folder it did not write, and replaces its own")
    func outputFolderSafety() async throws {
        let foreign = try makeTemporaryDirectory()
        try "keep me".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
        let out = try makeTemporaryDirectory() + "/site"
        try await withConfiguredApp(try exportConfig()) { app in
            await #expect(throws: StaticExporter.ExportError.self) { try await StaticExporter(app: app).export(to: foreign) }
            #expect(FileManager.default.fileExists(atPath: foreign + "/notes.txt"))

            _ = try await StaticExporter(app: app).export(to: out)
            try "stale".write(toFile: out + "/stale.html", atomically: true, encoding: .utf8)
            _ = try await StaticExporter(app: app).export(to: out)
            #expect(!FileManager.default.fileExists(atPath: out + "/stale.html"))
            #expect(FileManager.default.fileExists(atPath: out + "/index.html"))
        }
    }
}
