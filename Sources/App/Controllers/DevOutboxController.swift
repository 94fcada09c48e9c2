import Fluent
import Foundation
import Vapor

/// `/dev/outbox`: the messages the development delivery kept. Never registered in
/// production, where both paths answer 404.
enum DevOutboxController {
    static func page(_ req: Request) async throws -> Response {
        let view = OutboxView(messages: try await messages(req), jsonHref: SiteRoute.devOutboxJSON.path)
        return try await AuthPagesController.page(req, "outbox", title: "Development outbox", view)
    }

    static func json(_ req: Request) async throws -> Response {
        struct Body: Encodable { let messages: [OutboxView.Message] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPHeaders()
        headers.contentType = .json
        let data = try encoder.encode(Body(messages: try await messages(req)))
        return Response(status: .ok, headers: headers, body: .init(data: data)).noStore()
    }

    private static func messages(_ req: Request) async throws -> [OutboxView.Message] {
        let formatter = ISO8601DateFormatter()
        return try await OutboxMessage.query(on: req.db).sort(\.$createdAt, .descending).limit(50).all().map { message in
            OutboxView.Message(
                channel: message.channel,
                recipient: message.recipient,
                subject: message.subject,
                body: message.body,
                createdAt: formatter.string(from: message.createdAt),
                link: firstLink(in: message.body)
            )
        }
    }

    static func firstLink(in text: String) -> String? {
        text.split(whereSeparator: { $0.isWhitespace }).first { $0.hasPrefix("https://") || $0.hasPrefix("http://") }.map(String.init)
    }
}
