import Foundation
import Vapor

/// `bmm export --out DIR [--base-url URL] [--content DIR] [--no-precompress]`: writes the public
/// site as static files. (`--base-url` and `--content` are read before the app is
/// configured; see `CommandLineOptions`.)
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", short: "o", help: "Folder to write the site into (default ./dist).")
        var out: String?

        @Option(name: "base-url", help: "Canonical base URL of the exported pages.")
        var baseURL: String?

        @Option(name: "content", help: "Folder of docs Markdown to export instead of Content/docs.")
        var content: String?

        @Flag(name: "no-precompress", help: "Skip the .gz and .br copy of each text file (for a host or CDN that compresses itself).")
        var noPrecompress: Bool
    }

    var help: String { "Exports the marketing site and docs as static files." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let out = AppConfig.absolute(signature.out ?? "dist", relativeTo: FileManager.default.currentDirectoryPath)
        let started = ContinuousClock.now
        let report = try await StaticExporter(app: context.application, precompress: !signature.noPrecompress).export(to: out)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytes = String(format: "%.1f", Double(report.bytes) / 1_000_000)
        let rate = String(format: "%.0f", Double(report.pages) / max(seconds, 0.000_001))
        let siblings = report.compressedFiles > 0 ? ", plus \(report.compressedFiles) pre-compressed .gz and .br copies," : ""
        let config = context.application.config
        if config.publicURLIsDerived && config.publicURL == AppConfig.derivedPublicURL(hostname: config.hostname, port: config.port) {
            // Canonical links, the sitemap, the feed and robots.txt all name this origin: published as is, search
            // engines would be told the site lives on this machine.
            context.console.warning("No --base-url (or BMM_PUBLIC_URL): the pages name \(config.publicURL) as their address. Export again with --base-url https://your.site before publishing.")
        }
        context.console.print("Exported \(report.pages) pages and \(report.files) files (\(megabytes) MB)\(siblings) to \(out) in \(String(format: "%.2f", seconds)) s (\(rate) pages/s).")
    }
}
