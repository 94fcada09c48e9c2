import Fluent

/// When the newest invoice with a failed payment was created, so that a late `invoice.paid` for an older invoice
/// (last month's, delivered after this month's third failure) does not forgive the newer one's failures.
struct AddFailedInvoiceCreated: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("subscriptions")
            .field("failed_invoice_created", .int64)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").deleteField("failed_invoice_created").update()
    }
}
