import Fluent

struct CreateOutboxMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outbox_messages")
            .id()
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox_messages").delete()
    }
}
