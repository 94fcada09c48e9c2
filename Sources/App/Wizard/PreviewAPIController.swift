import Core
import Drafting
import Foundation
import Vapor

/// `/v1/servers/preview…`: drafting a spec from words, and editing the draft.
enum PreviewAPIController {
    struct EditRequest: Content {
        let specEdit: SpecEdit
    }

    static func preview(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.drafts(current)
        let prepared = try service.prepare(try req.content.decode(PreviewInput.self))
        let (draft, cached) = try await service.draft(prepared)
        let body = try PreviewResponse(draft, offline: prepared.choice.drafter.isOffline, cached: cached)
        return try req.json(body, status: cached ? .ok : .created).noStore()
    }

    /// The same draft as `preview`, streamed as server-sent events: `text`
    /// deltas while the model writes, then `spec` (or `error`), with keepalive
    /// comments so proxies keep a quiet connection open.
    static func stream(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.drafts(current)
        let prepared = try service.prepare(try req.content.decode(PreviewInput.self))
        let offline = prepared.choice.drafter.isOffline
        if let hit = try await service.cached(prepared) {
            service.finished(prepared, outcome: "cached", since: nil)
            let frame = ServerSentEvent.frame("spec", json: try PreviewResponse(hit, offline: offline, cached: true))
            return Response(status: .ok, headers: ServerSentEvent.headers, body: .init(buffer: frame))
        }
        guard prepared.choice.drafter.supportsStreaming else {
            throw APIError(DraftingError.streamingUnavailable, timeoutSeconds: 0)
        }
        let reservation = try await service.reserve()

        let environment = req.application.drafting
        let body = Response.Body(managedAsyncStream: { writer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: environment.keepaliveInterval)
                        try await writer.write(.buffer(ServerSentEvent.keepalive))
                    }
                }
                group.addTask {
                    let frame = await draftFrame(service: service, prepared: prepared, writer: writer, logger: req.logger)
                    if frame.outcome != "ok" { await service.release(reservation) }
                    try await writer.write(.buffer(frame.bytes))
                }
                // The draft task finishes first; the keepalive loop is then cancelled.
                try await group.next()
                group.cancelAll()
            }
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }

    /// Forwards the drafter's text as it arrives and returns the final frame:
    /// the stored draft, or the error it ended with.
    private static func draftFrame(service: DraftService, prepared: DraftService.Prepared, writer: any AsyncBodyStreamWriter,
                                   logger: Logger) async -> (bytes: ByteBuffer, outcome: String) {
        let timeout = service.drafting.timeoutSeconds
        let started = ContinuousClock.now
        let frame = await streamDraft(service: service, prepared: prepared, writer: writer, logger: logger, timeout: timeout)
        service.finished(prepared, outcome: frame.outcome, since: started)
        return frame
    }

    private static func streamDraft(service: DraftService, prepared: DraftService.Prepared, writer: any AsyncBodyStreamWriter, logger: Logger,
                                    timeout: Double) async -> (bytes: ByteBuffer, outcome: String) {
        do {
            for try await event in prepared.choice.drafter.stream(prepared.request) {
                switch event {
                case .text(let delta):
                    try await writer.write(.buffer(ServerSentEvent.frame("text", json: StreamDelta(delta: delta))))
                case .spec(let result):
                    let draft = try await service.store(result, prepared)
                    return (ServerSentEvent.frame("spec", json: try PreviewResponse(draft, offline: prepared.choice.drafter.isOffline, cached: false)), "ok")
                }
            }
            return errorFrame(APIError(.badGateway, "upstream_error", "The drafting model stopped without a draft. Try again in a moment."))
        } catch let error as DraftingError {
            return loggedErrorFrame(APIError(error, timeoutSeconds: timeout), logger)
        } catch let error as APIError {
            return loggedErrorFrame(error, logger)
        } catch {
            logger.reportSafely(error)
            return errorFrame(APIError(.internalServerError, "internal_error", "Something went wrong while saving the draft. Try again."))
        }
    }

    /// The stream's answer is 200 whatever happens in it, so the failure gets the line a refused request would.
    private static func loggedErrorFrame(_ error: APIError, _ logger: Logger) -> (bytes: ByteBuffer, outcome: String) {
        logger.notice("draft stream ended with \(error.status.code) \(error.code): \(error.reason)")
        return errorFrame(error)
    }

    private static func errorFrame(_ error: APIError) -> (bytes: ByteBuffer, outcome: String) {
        (ServerSentEvent.frame("error", json: StreamError(error: error.code, message: error.reason)), error.code)
    }

    static func edit(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.draft, as: UUID.self) else {
            throw APIError(.notFound, "preview_not_found", "There is no such draft in this workspace.")
        }
        let service = req.drafts(current)
        let draft = try await service.find(id)
        let edit = try req.content.decode(EditRequest.self).specEdit
        let spec = try await service.applyEdit(edit, to: draft)
        let body = try PreviewResponse(draft, spec: spec, offline: draft.model == OfflineDrafter.modelName, cached: false)
        return try req.json(body).noStore()
    }

    /// The browser's copy of the secret patterns: the same list the server checks.
    static func secretPatterns(_ req: Request) async throws -> Response {
        let patterns = SecretPatterns.all.map { SecretPatternList.Pattern(id: $0.id, label: $0.label, pattern: $0.pattern) }
        let response = try req.json(SecretPatternList(patterns: patterns))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    struct SecretPatternList: Content {
        struct Pattern: Content {
            let id: String
            let label: String
            /// A regular expression source valid in both ICU and JavaScript.
            let pattern: String
        }

        let patterns: [Pattern]
    }
}
