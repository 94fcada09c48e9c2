import NIOConcurrencyHelpers
import Templating
import Vapor

/// Rendered public pages kept in memory. Public pages depend only on content and
/// configuration (never on the visitor), so each is rendered once per process, and
/// hashed for its `ETag` once.
final class RenderedPageCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let eTag: String

        init(_ body: ByteBuffer) {
            self.body = body
            self.eTag = ConditionalRequest.weakETag(for: body)
        }
    }

    private let pages = NIOLockedValueBox<[String: Entry]>([:])
    let isEnabled: Bool

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func page(_ key: String) -> Entry? {
        guard isEnabled else { return nil }
        return pages.withLockedValue { $0[key] }
    }

    func store(_ entry: Entry, for key: String) {
        guard isEnabled else { return }
        pages.withLockedValue { $0[key] = entry }
    }
}

extension Application {
    private struct PageCacheKey: StorageKey {
        typealias Value = RenderedPageCache
    }

    var pageCache: RenderedPageCache {
        get { storage[PageCacheKey.self] ?? RenderedPageCache(isEnabled: false) }
        set { storage[PageCacheKey.self] = newValue }
    }
}

extension Application {
    /// The compiled `Views/` templates.
    var templates: TemplateLibrary { siteFiles.current.templates }
}

extension Request {
    /// Renders `template` with `page` as an HTML response.
    func renderHTML<Content: Encodable>(_ template: String, _ page: Page<Content>, status: HTTPStatus = .ok) async throws -> Response {
        let bytes = try application.templates.render(template, page)
        return Response.html(ByteBuffer(bytes: bytes), status: status)
    }

    /// A public page: served from the page cache when it has been rendered before.
    func publicPage(_ route: SiteRoute, render: () async throws -> Response) async throws -> Response {
        let cache = application.pageCache
        if let entry = cache.page(route.path) {
            return Response.html(entry.body).validated(by: entry, site: site)
        }
        let response = try await render()
        if response.status == .ok, let body = response.body.buffer {
            let entry = RenderedPageCache.Entry(body)
            cache.store(entry, for: route.path)
            return response.validated(by: entry, site: site)
        }
        return response
    }
}

extension Response {
    /// A public page's or file's validators: its body's hash, and the time the site's files were
    /// loaded (nothing public can have changed since; a restart may have changed anything).
    func validated(by entry: RenderedPageCache.Entry, site: PublicSite) -> Response {
        headers.replaceOrAdd(name: .eTag, value: entry.eTag)
        headers.replaceOrAdd(name: .lastModified, value: site.lastModified)
        return self
    }

    static func html(_ body: ByteBuffer, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}
