import Fluent
import SQLKit

/// Emails written in the same transaction as the change they tell about, sent afterwards by `MailQueueSender`.
struct CreateQueuedEmails: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("queued_emails")
            .id()
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_failure", .string)
            .field("given_up_at", .datetime)
            .create()
        // Every pass of the sender asks for the next due row.
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "queued_emails_due").on("queued_emails").column("next_attempt_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("queued_emails").delete()
    }
}
