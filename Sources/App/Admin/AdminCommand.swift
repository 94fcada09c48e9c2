import Fluent
import Vapor

/// `bmm admin grant EMAIL` / `bmm admin revoke EMAIL`: platform administrators
/// are made from the command line only, by someone who can run the server.
struct AdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "grant or revoke")
        var action: String

        @Argument(name: "email", help: "the person's email address")
        var email: String
    }

    struct AdminError: Error, CustomStringConvertible {
        let description: String
    }

    var help: String { "Grants or revokes platform administrator rights." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let grant: Bool
        switch signature.action {
        case "grant": grant = true
        case "revoke": grant = false
        default: throw AdminError(description: "unknown action `\(signature.action)`: use `bmm admin grant EMAIL` or `bmm admin revoke EMAIL`")
        }
        let email = signature.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
            throw AdminError(description: grant
                ? "no account with the email address \(email); the person must sign in once first"
                : "no account with the email address \(email), so nobody to revoke")
        }
        // Nothing changes, so nothing is recorded (two `admin.revoked` in a row read as two decisions).
        guard user.isAdmin != grant else {
            context.console.print(grant ? "\(email) is already a platform administrator; nothing changed." : "\(email) is not a platform administrator; nothing changed.")
            return
        }
        user.isAdmin = grant
        try await user.save(on: app.db)
        let event = AuditEvent()
        event.actorUserID = nil
        event.action = grant ? "admin.granted" : "admin.revoked"
        event.resourceType = "user"
        event.resourceID = user.id?.uuidString
        event.metadata = #"{"via":"command_line"}"#
        event.createdAt = app.clock.now()
        try await event.create(on: app.db)
        context.console.print(grant ? "\(email) is now a platform administrator." : "\(email) is no longer a platform administrator.")
        if !grant, try await User.query(on: app.db).filter(\.$isAdmin == true).count() == 0 {
            // Said, not refused: an operator may mean it, and `grant` undoes it.
            context.console.print("Warning: this instance now has no administrator: nobody can review reports or lift a suspension until `bmm admin grant EMAIL` names one.")
        }
    }
}
