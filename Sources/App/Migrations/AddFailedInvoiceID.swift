import Fluent

/// Which invoice's failed payment is being counted (`WorkspaceSubscription.failedInvoiceID`): the failures stand
/// until that invoice is paid, voided or written off.
struct AddFailedInvoiceID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("subscriptions").field("failed_invoice_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").deleteField("failed_invoice_id").update()
    }
}
