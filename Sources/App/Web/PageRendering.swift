import NIOConcurrencyHelpers
import Templating
import Vapor

/// Rendered public pages kept in memory. Public pages depend only on content and
/// configuration (never on the visitor), so each is rendered once per process.
final class RenderedPageCache: Sendable {
    private let pages = NIOLockedValueBox<[String: ByteBuffer]>([:])
    let isEnabled: Bool

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func page(_ key: String) -> ByteBuffer? {
        guard isEnabled else { return nil }
        return pages.withLockedValue { $0[key] }
    }

    func store(_ body: ByteBuffer, for key: String) {
        guard isEnabled else { return }
        pages.withLockedValue { $0[key] = body }
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
        if let body = cache.page(route.path) {
            return Response.html(body)
        }
        let response = try await render()
        if response.status == .ok, let body = response.body.buffer {
            cache.store(body, for: route.path)
        }
        return response
    }
}

extension Response {
    static func html(_ body: ByteBuffer, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}
