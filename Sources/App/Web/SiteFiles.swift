import NIOConcurrencyHelpers
import Templating
import Vapor

/// What the app builds from files on disk — the compiled `Views/`, the Markdown in
/// `Content/` and the assets in `Public/` — behind one lock, so development reload
/// can swap in a new build while requests read the old one. Production builds it
/// once at start-up and never swaps.
final class SiteFiles: Sendable {
    struct Build: Sendable {
        let templates: TemplateLibrary
        let site: PublicSite
    }

    private let build: NIOLockedValueBox<Build>

    init(_ build: Build) {
        self.build = NIOLockedValueBox(build)
    }

    var current: Build { build.withLockedValue { $0 } }

    func replace(with build: Build) {
        self.build.withLockedValue { $0 = build }
    }

    /// Compiles the templates and loads content and assets as `config` says. Throws a
    /// `TemplateError` (file and line) for a broken template and an `AssetError` for a
    /// missing asset; content problems are logged and the pages that have them skipped.
    static func load(_ config: AppConfig, logger: Logger, clock: ClockSource) throws -> Build {
        let templates = try TemplateLibrary(directory: config.viewsDirectory, mode: config.strictTemplates ? .strict : .lenient)
        let content = ContentLoader(contentDirectory: config.contentDirectory, docsDirectory: config.docsDirectory).load()
        for problem in content.problems {
            logger.error("content: \(problem)")
        }
        let assets = try AssetManifest(publicDirectory: config.publicDirectory)
        var site = try PublicSite(baseURL: config.publicURL, content: content, assets: assets, templates: templates, now: { clock.now() })
        if config.reloadsFiles {
            site.developmentReload = DevelopmentReloadScript(src: SiteRoute.devReloadScript.path, events: SiteRoute.devReload.path)
        }
        return Build(templates: templates, site: site)
    }
}

extension Application {
    private struct SiteFilesKey: StorageKey {
        typealias Value = SiteFiles
    }

    var siteFiles: SiteFiles {
        get { configured(SiteFilesKey.self) }
        set { storage[SiteFilesKey.self] = newValue }
    }
}
