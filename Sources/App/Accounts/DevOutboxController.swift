import Egress
import Fluent
import Foundation
import Vapor

/// `/dev/outbox`: the messages the development delivery kept. Never registered in
/// production, where both paths answer 404.
enum DevOutboxController {
    /// The outbox holds live sign-in links: even in development it answers only
    /// requests from this machine (a dev server bound to 0.0.0.0 must not leak them).
    /// Behind a trusted proxy on this machine, the client it names must be local too.
    static func requireLocal(_ req: Request) throws {
        guard req.remoteAddress != nil else { return } // in-process requests (tests)
        guard let address = req.client.address, address.addressClass == .special("loopback") else { throw Abort(.notFound) }
    }

    static func page(_ req: Request) async throws -> Response {
        try requireLocal(req)
        let view = OutboxView(messages: try await messages(req), jsonHref: SiteRoute.devOutboxJSON.path)
        return try await req.accountPage("Accounts/outbox", title: "Development outbox", view)
    }

    static func json(_ req: Request) async throws -> Response {
        try requireLocal(req)
        struct Body: Encodable { let messages: [OutboxView.Message] }
        return try req.json(Body(messages: try await messages(req))).noStore()
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
