import Fluent
import Vapor

/// `bmm secrets rotate`: re-seals every stored secret with the current
/// `BMM_ENCRYPTION_KEY`. Older keys must still be listed in
/// `BMM_PREVIOUS_ENCRYPTION_KEYS` so their envelopes open; once this finishes
/// they can be removed.
struct SecretsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate")
        var action: String
    }

    var help: String { "Re-encrypts stored secrets with the current encryption key (`bmm secrets rotate`)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "rotate" else {
            throw ConfigError(problems: ["unknown action `\(signature.action)`; the only action is `rotate`"])
        }
        let (resealed, total) = try await SecretRotation(database: context.application.db, box: context.application.secretBox).run()
        context.console.info("Re-encrypted \(resealed) of \(total) secret\(total == 1 ? "" : "s") with key \(context.application.secretBox.currentKeyID).")
    }
}

/// Re-seals envelopes made by older keys, in one transaction so a failure leaves
/// every secret as it was.
struct SecretRotation {
    let database: any Database
    let box: SecretBox

    func run() async throws -> (resealed: Int, total: Int) {
        try await database.writeTransaction { database in
            let secrets = try await ServerSecret.query(on: database).all()
            var resealed = 0
            for secret in secrets where box.needsRotation(secret.sealed) {
                let binding = SecretBox.Binding(organization: secret.$organization.id, server: secret.$server.id, key: secret.key)
                secret.sealed = try box.seal(try box.open(secret.sealed, for: binding), for: binding)
                try await secret.save(on: database)
                resealed += 1
            }
            return (resealed, secrets.count)
        }
    }
}
