import Fluent

/// The table `SuspendedIdentity` keeps.
struct CreateSuspendedIdentities: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SuspendedIdentity.schema)
            .id()
            .field("identity_digest", .string, .required)
            .field("organization_name", .string, .required)
            .field("suspended_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "identity_digest")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SuspendedIdentity.schema).delete()
    }
}
