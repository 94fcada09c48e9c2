import Foundation
import NIOConcurrencyHelpers
import Templating
import Vapor

/// Development only (`bmm serve`, `AppConfig.reloadsFiles`): watches `Views/`,
/// `Content/` and `Public/`, rebuilds `SiteFiles` when a file changes, and tells open
/// pages over server-sent events, like `hugo server`. A build that fails (a template
/// syntax error) is logged and shown in the page; the last good build keeps serving.
final class DevelopmentReload: Sendable {
    /// The script in `Public/`; `AssetManifest` leaves `dev/` out, so it is never exported.
    static let scriptFile = "dev/reload.js"

    /// What the page is told: the build it was served from, and why the last rebuild failed.
    struct State: Sendable, Equatable, Encodable {
        var version: String
        var error: String?
    }

    private let state: NIOLockedValueBox<State>
    private let stopped = NIOLockedValueBox(false)
    private let watcher = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let boot = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private let generation = NIOLockedValueBox(0)

    init() {
        state = NIOLockedValueBox(State(version: boot + ".0"))
    }

    var current: State { state.withLockedValue { $0 } }
    var isStopped: Bool { stopped.withLockedValue { $0 } }

    /// Starts polling the folders every `interval` on a background task.
    func start(_ app: Application, interval: Duration = .milliseconds(500)) {
        let config = app.config
        let folders = [config.viewsDirectory, config.publicDirectory, config.contentDirectory, config.docsDirectory]
        let logger = app.logger
        let files = app.siteFiles
        let clock = app.clockSource
        // Taken now, so a change made while the task starts is not missed.
        let initial = FolderStamp.scan(folders)
        let task = Task.detached { [self] in
            var stamp = initial
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                var next = FolderStamp.scan(folders)
                guard next != stamp else { continue }
                // Editors save in steps (write, rename): wait until the folders are quiet.
                repeat {
                    stamp = next
                    try? await Task.sleep(for: .milliseconds(100))
                    next = FolderStamp.scan(folders)
                } while next != stamp && !Task.isCancelled
                rebuild(config, files: files, logger: logger, clock: clock)
            }
        }
        watcher.withLockedValue { $0 = task }
    }

    func stop() {
        watcher.withLockedValue { $0?.cancel() }
        stopped.withLockedValue { $0 = true }
    }

    func rebuild(_ config: AppConfig, files: SiteFiles, logger: Logger, clock: ClockSource) {
        do {
            files.replace(with: try SiteFiles.load(config, logger: logger, clock: clock))
            let number = generation.withLockedValue { $0 += 1; return $0 }
            state.withLockedValue { $0 = State(version: "\(boot).\(number)", error: nil) }
            logger.info("development reload: rebuilt templates, content and assets")
        } catch {
            let message = String(describing: error)
            logger.error("development reload: still serving the last good build: \(message)")
            state.withLockedValue { $0.error = message }
        }
    }
}

extension DevelopmentReload {
    /// `GET /dev/reload`: the current build's version at once, then every change —
    /// `version` after a rebuild (the page reloads when it differs from the one it
    /// loaded with), `failed` with the error while the files do not build.
    static func events(_ req: Request) async throws -> Response {
        let reload = req.application.developmentReload
        let body = Response.Body(managedAsyncStream: { writer in
            var sent: State?
            var quiet = Duration.zero
            while true {
                let state = reload.current
                if state != sent {
                    try await writer.write(.buffer(ServerSentEvent.frame(state.error == nil ? "version" : "failed", json: state)))
                    sent = state
                    quiet = .zero
                } else if quiet >= .seconds(15) {
                    try await writer.write(.buffer(ServerSentEvent.keepalive)) // notices a closed tab
                    quiet = .zero
                }
                if reload.isStopped { return } // the app is shutting down
                try await Task.sleep(for: .milliseconds(200))
                quiet += .milliseconds(200)
            }
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }

    /// `GET /dev/reload.js`, read from disk on each request like everything else in development.
    static func script(_ req: Request) async throws -> Response {
        let path = (req.application.config.publicDirectory as NSString).appendingPathComponent(scriptFile)
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

/// What the base layout needs to load the reload script (`nil` unless reloading).
struct DevelopmentReloadScript: Encodable, Sendable {
    let src: String
    let events: String
}

/// A hash of every file's path, size and modification time under some folders:
/// cheap enough to poll twice a second, and portable (no inotify).
enum FolderStamp {
    static func scan(_ folders: [String]) -> Int {
        var hasher = Hasher()
        for folder in Set(folders).sorted() {
            hasher.combine(folder)
            guard let enumerator = FileManager.default.enumerator(atPath: folder) else { continue }
            var paths: [String] = []
            for case let path as String in enumerator { paths.append(path) }
            for path in paths.sorted() {
                var info = stat()
                guard stat(folder + "/" + path, &info) == 0 else { continue }
                hasher.combine(path)
                hasher.combine(info.st_size)
                hasher.combine(info.st_mtim.tv_sec)
                hasher.combine(info.st_mtim.tv_nsec)
            }
        }
        return hasher.finalize()
    }
}

extension Application {
    private struct DevelopmentReloadKey: StorageKey {
        typealias Value = DevelopmentReload
    }

    /// Set only when `AppConfig.reloadsFiles`: production never has one.
    var developmentReload: DevelopmentReload {
        get { configured(DevelopmentReloadKey.self) }
        set { storage[DevelopmentReloadKey.self] = newValue }
    }

    /// Starts watching the site's folders and stops when the app shuts down.
    func startDevelopmentReload() {
        let reload = DevelopmentReload()
        developmentReload = reload
        reload.start(self)
        lifecycle.use(StopDevelopmentReload(reload: reload))
    }
}

private struct StopDevelopmentReload: LifecycleHandler {
    let reload: DevelopmentReload

    func shutdownAsync(_ application: Application) async {
        reload.stop()
    }
}

/// Development only: the reload event stream and its script.
struct DevelopmentReloadRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.devReload, use: DevelopmentReload.events)
        routes.get(.devReloadScript, use: DevelopmentReload.script)
    }
}
