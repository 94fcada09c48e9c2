import FluentPostgresDriver
import FluentSQLiteDriver
import Templating
import Vapor

/// Turns every error into a friendly answer with the right status: an HTML page
/// for browsers, `{"error": "code", "message": "…"}` for API clients. Unexpected
/// errors show a generic message and a request id; the detail goes to the log.
struct ErrorPageMiddleware: AsyncMiddleware {
    struct ErrorBody: Content {
        let error: String
        let message: String
        /// The same words under RFC 6749 §5.2's name, on the OAuth endpoints (a 429, a 405).
        var errorDescription: String? = nil
        let requestId: String?
        /// Each problem of a refused spec, when there are any (`APIError.problems`).
        var problems: [APIError.Problem]? = nil

        enum CodingKeys: String, CodingKey {
            case error, message, requestId, problems
            case errorDescription = "error_description"
        }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await response(for: error, request: request)
        }
    }

    func response(for error: any Error, request: Request) async -> Response {
        // OAuth endpoints answer in RFC 6749's shape for every client.
        if let oauth = error as? OAuthError, let response = try? oauth.response(for: request) {
            return response
        }
        if error is RouteNotFound {
            let allowed = request.application.allowedMethods.advertised(at: request.url.path)
            if !allowed.isEmpty {
                let list = allowed.map(\.rawValue).joined(separator: ", ")
                // OPTIONS asks which methods there are (RFC 9110 §9.3.7); any other is not one of them (§15.5.6).
                if request.method == .OPTIONS {
                    return .allowing(allowed)
                }
                return await response(for: Self.methodNotAllowed(request.method, allowed: list), request: request)
            }
        }
        // A path that names a route of other methods, taken by a parameter's route for this one (`GET
        // /v1/servers/preview` reaching `GET /v1/servers/:server`): the resource exists, the method does not (§15.5.6).
        if let abort = error as? any AbortError, abort.status == .notFound, request.method != .OPTIONS {
            let constant = request.application.allowedMethods.constantRouteMethods(at: request.url.path)
            if !constant.isEmpty, !constant.contains(request.method) {
                return await response(for: Self.methodNotAllowed(request.method, allowed: constant.map(\.rawValue).joined(separator: ", ")),
                                      request: request)
            }
        }
        if let explained = BodyDecodingError.explain(error, for: request) {
            return await response(for: explained, request: request)
        }
        if Self.isUnstorableText(error) {
            return await response(for: APIError(.badRequest, "bad_request",
                                                "The request holds a character that cannot be stored (such as U+0000). Nothing was changed; remove it and try again."),
                                  request: request)
        }
        if let passing = Self.temporaryDatabaseFailure(error, request) {
            return await response(for: passing, request: request)
        }
        let status: HTTPStatus
        let message: String
        if let abort = error as? any AbortError {
            status = abort.status
            // An `APIError` is an answer written for the person (Stripe unreachable, a message that could not be
            // sent, the database restarting): its words are kept, 5xx or not. Any other 5xx is a bug, described
            // only in the log.
            message = status.code >= 500 && !(abort is APIError) ? "Something went wrong on our side." : abort.reason
        } else if let template = error as? TemplateError, !request.application.config.isProduction {
            // The file and line to fix, on the page the developer is looking at.
            status = .internalServerError
            message = "Template error: \(template)"
        } else {
            status = .internalServerError
            message = "Something went wrong on our side."
        }
        let requestID = request.headers.first(name: "X-Request-Id") ?? request.id
        if status.code >= 500 {
            if let answer = error as? APIError {
                // A deliberate answer (a build still running, a provider busy): worth a line, not an error.
                if answer.code != "database_busy" && answer.code != APIError.databaseUnavailable.code {
                    let cause = answer.cause.map { " (cause: \($0))" } ?? ""
                    request.logger.notice("request \(requestID) answered \(status.code) \(answer.code): \(answer.reason)\(cause)")
                }
            } else {
                request.logger.error("request \(requestID) failed: \(LoggedError.description(error))")
            }
        }

        let response: Response
        if Self.wantsJSON(request) {
            let code = (error as? APIError)?.code ?? Self.code(for: status)
            response = (try? json(status: status, code: code, message: message, requestID: status.code >= 500 ? requestID : nil,
                                  oauth: SiteRoute.answersOAuthErrors(path: request.url.path), problems: (error as? APIError)?.problems ?? []))
                ?? Response(status: status)
        } else {
            response = await html(for: error, status: status, message: message, requestID: requestID, request: request)
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let abort = error as? any AbortError {
            for (name, value) in abort.headers where name.lowercased() != "content-type" {
                response.headers.replaceOrAdd(name: name, value: value)
            }
        }
        // RFC 9110 §11.6.1: every 401 carries a challenge. The JSON API takes bearer tokens (or
        // the session cookie, which has no scheme); an answer that named none gets Bearer's.
        if status == .unauthorized, !response.headers.contains(name: .wwwAuthenticate) {
            response.headers.add(name: .wwwAuthenticate, value: #"Bearer realm="BuildMyMCPServer""#)
        }
        return response
    }

    /// 405 with the `Allow` list (RFC 9110 §15.5.6).
    static func methodNotAllowed(_ method: HTTPMethod, allowed list: String) -> APIError {
        APIError(.methodNotAllowed, "method_not_allowed", "This address does not take \(method.rawValue); it takes \(list).", headers: ["Allow": list])
    }

    /// The answer for a database that could not do what was asked for a reason that passes (busy, unreachable, out
    /// of space), saying when to retry, with the cause logged; nil for any other error. The MCP endpoint answers
    /// these as JSON-RPC errors (`MCPController`), everything else through this middleware.
    static func temporaryDatabaseFailure(_ error: any Error, _ request: Request) -> APIError? {
        if isDatabaseBusy(error) {
            request.logger.warning("request \(request.id): the database stayed locked by another writer: \(String(reflecting: error))")
            return .databaseBusy
        }
        if isDatabaseUnavailable(error) {
            request.logger.warning("request \(request.id): the database is unreachable: \(String(reflecting: error))")
            return .databaseUnavailable
        }
        if isStorageFull(error) {
            request.application.health.storageFailed(at: .now)
            request.logger.error("request \(request.id): the database cannot store anything (disk full or read-only): \(String(reflecting: error))")
            return .storageFull
        }
        return nil
    }

    /// The database has no room to write, or may not: SQLite's full, read-only and I/O errors, PostgreSQL's
    /// class 53 (insufficient resources: disk full, out of memory, too many connections).
    static func isStorageFull(_ error: any Error) -> Bool {
        if let sqlite = error as? SQLiteError {
            switch sqlite.reason {
            case .full, .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyInRollback, .readonlyInRecovery, .readonlyBackingMoved,
                 .ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedDirSync, .ioErrorFailedTruncate, .ioErrorFailedRead,
                 .ioErrorIncompleteRead:
                return true
            default:
                return false
            }
        }
        guard let postgres = error as? PSQLError, postgres.code == .server else { return false }
        return postgres.serverInfo?[.sqlState]?.hasPrefix("53") == true
    }

    /// SQLite gave up waiting for another connection's write lock (see `useSQLiteBusyTimeout`);
    /// the statement did not run, so retrying is safe.
    static func isDatabaseBusy(_ error: any Error) -> Bool {
        guard let sqlite = error as? SQLiteError else { return false }
        switch sqlite.reason {
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked: return true
        default: return false
        }
    }

    /// PostgreSQL cannot be reached (stopped, restarting, the network gone): the connection
    /// failed, was closed under the query, or the pool waited in vain for one. The pool drops
    /// closed connections, so requests succeed again as soon as the server is back.
    static func isDatabaseUnavailable(_ error: any Error) -> Bool {
        if error is ConnectionPoolTimeoutError || error is NIOConnectionError { return true }
        guard let postgres = error as? PSQLError else { return false }
        switch postgres.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // Class 57P: the server is shutting down or starting up; class 08: the connection broke.
            let state = postgres.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default:
            return false
        }
    }

    /// PostgreSQL refused a text value (class 22: NUL, which its text type cannot hold, or a character its encoding
    /// lacks). Whatever field it came in, the statement did not run: the answer is the request's fault, not a 500.
    static func isUnstorableText(_ error: any Error) -> Bool {
        guard let postgres = error as? PSQLError, postgres.code == .server else { return false }
        return ["22021", "22P05"].contains(postgres.serverInfo?[.sqlState] ?? "")
    }

    static func wantsJSON(_ request: Request) -> Bool {
        if SiteRoute.answersJSON(path: request.url.path) { return true }
        // JSON for a client that prefers it to HTML by weight, or names it where HTML comes only from `*/*`.
        let accept = AcceptHeader(request.headers.first(name: .accept))
        return accept.names("application", "json") && accept.prefers(("application", "json"), to: ("text", "html"))
    }

    private func json(status: HTTPStatus, code: String, message: String, requestID: String?, oauth: Bool = false,
                      problems: [APIError.Problem] = []) throws -> Response {
        let body = ErrorBody(error: code, message: message, errorDescription: oauth ? message : nil, requestId: requestID,
                             problems: problems.isEmpty ? nil : problems)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try JSONEncoder().encode(body)))
    }

    private func html(for error: any Error, status: HTTPStatus, message: String, requestID: String, request: Request) async -> Response {
        let site = request.site
        // Someone signed in (known on the app's routes) keeps the app's navigation on an error page, and that
        // page, naming them, is never stored by a cache.
        let current = request.auth.get(CurrentUser.self)
        func layout(_ meta: PageMeta) -> Layout {
            var layout = site.layout(meta, current: nil)
            if let current { layout.app = AppShellBuilder.shell(request, current, active: .home) }
            return layout
        }
        func personal(_ response: Response) -> Response { current == nil ? response : response.noStore() }
        do {
            if let elsewhere = error as? ServerInOtherWorkspace, current?.session != nil {
                let meta = site.unlistedMeta(title: "This server is in another workspace", description: message)
                let view = ErrorView(status: Int(status.code), heading: "This server is in another workspace", message: message, requestID: nil,
                                     switchTo: WorkspaceSwitch(elsewhere, csrf: request.csrfToken(request.accounts.cookies)))
                let response = try await request.renderHTML("error", Page(layout: layout(meta), page: view), status: status).noStore()
                response.carryCSRFToken(of: request, request.accounts.cookies)
                return response
            }
            if let gone = serverGone(error, request) {
                let meta = site.unlistedMeta(title: gone.heading, description: gone.message)
                return personal(try await request.renderHTML("error", Page(layout: layout(meta), page: gone), status: status))
            }
            if status == .notFound {
                let meta = site.unlistedMeta(title: "Page not found", description: "The page you asked for does not exist. Try the docs, pricing or the home page.")
                let view = NotFoundView(suggestions: [
                    Link(title: "Home", href: SiteRoute.home.path),
                    Link(title: "Documentation", href: SiteRoute.docsIndex.path),
                    Link(title: "Quickstart", href: SiteRoute.docs(path: "quickstart").path),
                    Link(title: "Pricing", href: SiteRoute.pricing.path),
                ].filter { $0.href != SiteRoute.docs(path: "quickstart").path || site.content.docs.entry(at: "quickstart") != nil })
                return personal(try await request.renderHTML("not-found", Page(layout: layout(meta), page: view), status: .notFound))
            }
            if let notSent = formNotSent(request, status: status, message: message) {
                let meta = site.unlistedMeta(title: notSent.heading, description: notSent.message)
                let response = try await request.renderHTML("error", Page(layout: layout(meta), page: notSent), status: status).noStore()
                response.carryCSRFToken(of: request, request.accounts.cookies)
                return response
            }
            // 503 is always a passing state here (database down or busy), and the page says what to do.
            let heading = status == .serviceUnavailable ? "Temporarily unavailable" : status.code >= 500 ? "Something went wrong" : status.reasonPhrase
            let meta = site.unlistedMeta(title: heading, description: message)
            let view = ErrorView(status: Int(status.code), heading: heading, message: message, requestID: status.code >= 500 ? requestID : nil)
            return personal(try await request.renderHTML("error", Page(layout: layout(meta), page: view), status: status))
        } catch {
            // The error page itself failed (a broken template): plain text still tells the truth.
            request.logger.error("error page failed to render: \(String(reflecting: error))")
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            // Strict templates: a broken error page fails loudly instead of keeping its status.
            if let template = error as? TemplateError, request.application.config.strictTemplates {
                return Response(status: .internalServerError, headers: headers, body: .init(string: "500 Template error: \(template)\nRequest id: \(requestID)\n"))
            }
            return Response(status: status, headers: headers, body: .init(string: "\(status.code) \(message)\nRequest id: \(requestID)\n"))
        }
    }

    /// A form this site served that was not acted on. Without its token (cookies cleared, another browser): the
    /// page says nothing was changed and holds the form to send again, or leads back to it. After its session
    /// ended, with text in it: the form to send again once signed in, in a new tab so this page stays.
    /// Refused foreign origins keep the plain page; they name no form of ours.
    private func formNotSent(_ request: Request, status: HTTPStatus, message: String) -> ErrorView? {
        func shownBack() -> UnsentForm? {
            var unsent = UnsentForm.from(request)
            unsent?.csrf = request.csrfToken(request.accounts.cookies)
            return unsent
        }
        let formPage = request.formPage()
        switch (status, message) {
        case (.forbidden, CSRFMiddleware.expiredFormMessage):
            let unsent = shownBack()
            return ErrorView(status: Int(status.code), heading: "This form expired",
                             message: unsent == nil ? message : Self.expiredFormShownBack, requestID: nil,
                             nextLabel: "Back to the form", nextHref: formPage ?? SiteRoute.home.path, unsent: unsent)
        case (.unauthorized, UnsentForm.signedOutMessage):
            guard let unsent = shownBack(), let formPage else { return nil }
            return ErrorView(status: Int(status.code), heading: "You were signed out", message: message, requestID: nil,
                             nextLabel: "Sign in (opens a new tab)", nextHref: SiteRoute.login.path(QueryString([("next", formPage)])),
                             nextOpensNewTab: true, unsent: unsent)
        default:
            return nil
        }
    }

    /// A form sent to a server page after the server was deleted (in another tab, or by someone else in the workspace):
    /// said so, with its text to copy, where the plain "Page not found" lost it.
    private func serverGone(_ error: any Error, _ request: Request) -> ErrorView? {
        guard request.method == .POST, (error as? APIError)?.code == "server_not_found", request.isBrowserForm,
              !SiteRoute.isAPI(path: request.url.path) else { return nil }
        var unsent = UnsentForm.from(request)
        unsent?.resendable = false
        let kept = unsent?.hasText == true
        let message = "Nothing was saved: this server no longer exists in this workspace (it was deleted, perhaps in another tab or "
            + "by someone else in the workspace)." + (kept ? " What you typed is below, to copy." : "")
        return ErrorView(status: 404, heading: "This server no longer exists", message: message, requestID: nil,
                         nextLabel: "Your servers", nextHref: SiteRoute.servers.path, unsent: kept ? unsent : nil)
    }

    static let expiredFormShownBack = "Nothing was changed: this form's security code did not match your browser's (cookies cleared, "
        + "or the page came from another browser). The form is below as you sent it: send it again, or go back to it."

    static func code(for status: HTTPStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "unprocessable_entity"
        case 429: "rate_limited"
        case 503: "service_unavailable"
        case 500...: "internal_error"
        default: "error"
        }
    }
}
