import Fluent

/// When the newest invoice with a failed payment, and the newest paid invoice, were created: Stripe delivers events
/// in any order, so a late `invoice.paid` for last month's invoice must not forgive this month's failures, and a late
/// `invoice.payment_failed` for an invoice already paid must not count (or suspend) again.
struct AddInvoiceCreatedTimes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema("subscriptions").field("failed_invoice_created", .int64).update()
        try await database.schema("subscriptions").field("paid_invoice_created", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").deleteField("paid_invoice_created").update()
        try await database.schema("subscriptions").deleteField("failed_invoice_created").update()
    }
}
