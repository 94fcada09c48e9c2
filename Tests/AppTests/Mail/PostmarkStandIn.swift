import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A Postmark stand-in on 127.0.0.1: a real HTTP server that answers `POST /email` the way Postmark does, with
/// the next scripted status (the last one repeats), and keeps each request's JSON body.
final class PostmarkStandIn: Sendable {
    private let app: Application
    private let state: NIOLockedValueBox<(statuses: [HTTPStatus], received: [[String: String]])>
    let baseURL: String

    var received: [[String: String]] { state.withLockedValue { $0.received } }

    private init(app: Application, state: NIOLockedValueBox<(statuses: [HTTPStatus], received: [[String: String]])>, baseURL: String) {
        self.app = app
        self.state = state
        self.baseURL = baseURL
    }

    static func start(answering statuses: [HTTPStatus]) async throws -> PostmarkStandIn {
        let app = try await Application.make(.testing)
        let state = NIOLockedValueBox((statuses: statuses, received: [[String: String]]()))
        app.post("email") { req -> Response in
            let fields = (try? JSONSerialization.jsonObject(with: Data(buffer: req.body.data ?? ByteBuffer()))) as? [String: Any] ?? [:]
            let status = state.withLockedValue { state -> HTTPStatus in
                state.received.append(fields.compactMapValues { $0 as? String })
                return state.statuses.count > 1 ? state.statuses.removeFirst() : state.statuses.first ?? .ok
            }
            let body = status == .ok
                ? #"{"ErrorCode":0,"Message":"OK","MessageID":"b7bc2f4a-0000-0000-0000-000000000000"}"#
                : status == .unprocessableEntity
                ? #"{"ErrorCode":406,"Message":"You tried to send to a recipient that has been marked as inactive."}"#
                : #"{"ErrorCode":0,"Message":"Service unavailable"}"#
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: status, headers: headers, body: .init(string: body))
        }
        do {
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let port = app.http.server.shared.localAddress?.port ?? 0
        return PostmarkStandIn(app: app, state: state, baseURL: "http://127.0.0.1:\(port)")
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    /// The environment that points the app's mail at this stand-in.
    var environment: [String: String] {
        ["BMM_MAIL_PROVIDER": "postmark", "POSTMARK_BASE_URL": baseURL,
         "POSTMARK_SERVER_TOKEN": "postmark-token-for-tests-only", "BMM_MAIL_FROM": "notices@example.com"]
    }
}

/// Runs `body` with a Postmark stand-in that is stopped afterwards, whatever happens.
func withPostmarkStandIn<T>(answering statuses: [HTTPStatus], _ body: (PostmarkStandIn) async throws -> T) async throws -> T {
    let provider = try await PostmarkStandIn.start(answering: statuses)
    do {
        let result = try await body(provider)
        await provider.stop()
        return result
    } catch {
        await provider.stop()
        throw error
    }
}
