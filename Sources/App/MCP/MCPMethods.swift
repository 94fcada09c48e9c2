import Core
import Fluent
import Foundation
import Sandbox
import Vapor

/// The protocol versions served and the methods both eras share.
enum MCPMethods {
    static let statelessVersions = ["2026-07-28"]
    /// 2025-03-26 is not offered: servers of that revision must accept JSON-RPC batches, which
    /// later revisions removed; every current client negotiates 2025-06-18 or newer.
    static let handshakeVersions = ["2025-11-25", "2025-06-18"]
    static let allVersions = statelessVersions + handshakeVersions
    static let protocolMeta = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesMeta = "io.modelcontextprotocol/clientCapabilities"
    /// Tools only; their list changes with every build and rollback, and clients hear of it
    /// (`MCPNotificationStream`).
    static let capabilities: JSONValue = ["tools": ["listChanged": true]]
    /// How long a client may reuse `tools/list` and `server/discover`: a minute, since a
    /// client that listens for changes hears of a new version at once, and one that does
    /// not should not keep calling tools that are gone for long.
    static let listTTLMilliseconds = 60_000

    /// `cancelKey` names the call for a later `notifications/cancelled` (2025 sessions).
    static func dispatch(_ req: Request, _ given: MCPContext, _ message: JSONRPC.Message, id: JSONValue, stateless: Bool,
                         cancelKey: String? = nil) async throws -> Response {
        let context = try await current(given, for: message, req.application)
        func failure(_ code: Int, _ text: String) throws -> Response {
            let status = MCPReply.errorStatus(code == JSONRPC.methodNotFound ? .notFound : .badRequest, stateless: stateless)
            return try MCPReply.refuse(req, JSONRPC.ErrorReply(id: id, code: code, message: text), status: status)
        }
        @Sendable func complete(_ result: JSONValue, cacheable: Bool = false) -> JSONValue {
            guard stateless, case .object(var fields) = result else { return result }
            fields["resultType"] = "complete"
            // 2026-07-28 has no handshake, so every result says which server (and build) answered.
            var meta = fields["_meta"]?.objectValue ?? [:]
            meta[serverInfoMeta] = serverInfo(context)
            fields["_meta"] = .object(meta)
            if cacheable {
                fields["ttlMs"] = .number(Double(listTTLMilliseconds))
                fields["cacheScope"] = "private"
            }
            return .object(fields)
        }
        switch message.method {
        case "ping" where !stateless:
            // 2026-07-28 removed ping: a stateless request is its own liveness check.
            return try MCPReply.send(req, JSONRPC.result(id: id, complete([:])))
        case "tools/list":
            // A null cursor is none (JSONValue takes `nil` as its own null, so this spells the optional out).
            let cursor: JSONValue? = message.params["cursor"] == .some(.null) ? .none : message.params["cursor"]
            guard cursor == nil || cursor?.stringValue != nil, let page = MCPToolList(spec: context.spec).page(after: cursor?.stringValue) else {
                return try failure(JSONRPC.invalidParams, "The cursor is not one this server issued.")
            }
            return try MCPReply.send(req, JSONRPC.result(id: id, complete(page.json, cacheable: true)))
        case "tools/call":
            guard let name = message.params["name"]?.stringValue else {
                return try failure(JSONRPC.invalidParams, "tools/call needs a tool name.")
            }
            // Arguments that are not an object are a malformed request (JSON-RPC invalid params), not a
            // tool's input to check against its schema; checked before the call counts against a quota.
            if let arguments = message.params["arguments"], arguments != .null, arguments.objectValue == nil {
                return try failure(JSONRPC.invalidParams, "tools/call arguments must be an object (or left out).")
            }
            if let refusal = try await ToolCallLimiter.count(req, context) {
                return try ToolCallLimiter.reply(req, id: id, refusal, stateless: stateless)
            }
            guard context.spec.tools.contains(where: { $0.name == name }) else {
                return try failure(JSONRPC.invalidParams, "Unknown tool: \(name)")
            }
            // Admitted last: an admitted call is counted as running until the call log has it (`MonthlyToolCalls`).
            if let exceeded = try await ToolCallLimiter.countMonthly(req, context) {
                return try ToolCallLimiter.reply(req, id: id, exceeded, stateless: stateless)
            }
            let invoker = ToolInvoker(hosting: req.application.hosting, clock: req.application.clock, server: context.server, spec: context.spec, realm: context.live.realm,
                                      secrets: context.live.secrets, plan: context.live.plan, structured: stateless ? .anyValue : .objectsOnly,
                                      metrics: req.application.metrics, trace: req.trace)
            let inFlight = req.application.hosting.inFlight
            let slowKey = MCPCallGrace.SlowTools.key(version: context.live.versionID, tool: name)
            // `null` reads as left out, as the check above already let it through.
            let arguments: JSONValue? = message.params["arguments"] == .some(.null) ? .none : message.params["arguments"]
            let reply: @Sendable (@escaping @Sendable (SandboxProgress) -> Void, (@Sendable () -> Void)?) async -> SandboxOverload.Reply = { progress, started in
                do {
                    let outcome = try await inFlight.run(key: cancelKey) {
                        try await invoker.call(name, arguments: arguments, onProgress: progress, onStart: started)
                    }
                    MCPCallGrace.slowTools.note(slowKey, milliseconds: outcome.durationMilliseconds)
                    return .message(JSONRPC.result(id: id, complete(outcome.result)))
                } catch is MCPInFlightCalls.DuplicateRequest {
                    req.application.hosting.monthlyCalls.settled(organization: context.server.$organization.id)
                    return .message(JSONRPC.ErrorReply(id: id, code: JSONRPC.invalidRequest,
                                                       message: "A request with this id is still running in this session; ids must not be reused.").json)
                } catch is MCPInFlightCalls.CancelledByClient {
                    return .cancelled(fallback: JSONRPC.result(id: id, complete(ToolInvoker.errorResult(SandboxFailure.cancelled.message))))
                } catch ToolInvoker.Failure.overloaded(let seconds) {
                    return .overloaded(SandboxOverload.error(id: id, retryAfterSeconds: seconds), retryAfterSeconds: seconds)
                } catch {
                    return .message(JSONRPC.ErrorReply(id: id, code: JSONRPC.internalError, message: "The call could not be completed.").json)
                }
            }
            if let token = MCPProgressStream.token(req, message) {
                // The stream's 200 is sent before the call waits for a worker, so an overload
                // arrives as its last event: the same JSON-RPC error, without the status.
                return MCPProgressStream.respond(token: token, cancelsOnDisconnect: stateless) { await reply($0, nil).message }
            }
            if stateless && MCPCallGrace.slowTools.isSlow(slowKey) && MCPReply.acceptsEventStream(req) {
                return try await MCPCallGrace.respond(req) { started in await reply({ _ in }, started) }
            }
            return try SandboxOverload.send(req, await reply({ _ in }, nil), stateless: stateless)
        default:
            return try failure(JSONRPC.methodNotFound, "Method not found: \(message.method)")
        }
    }

    /// The context to answer from. A cached context can be up to a second older than a version
    /// made live through another instance, while a client that heard the tool list changed
    /// (from any instance) refetches the list and calls its new tools at once: those two
    /// answers check the live version first, a call only when its tool is not in the cached one.
    private static func current(_ given: MCPContext, for message: JSONRPC.Message, _ app: Application) async throws -> MCPContext {
        switch message.method {
        case "tools/list":
            return try await given.checked(app)
        case "tools/call" where !given.spec.tools.contains(where: { $0.name == message.params["name"]?.stringValue }):
            return try await given.checked(app)
        default:
            return given
        }
    }

    static let serverInfoMeta = "io.modelcontextprotocol/serverInfo"

    /// The version is the live build's number, so a client can tell which build answered.
    static func serverInfo(_ context: MCPContext) -> JSONValue {
        ["name": .string(context.spec.name), "version": .string(String(context.live.versionNumber))]
    }
}
