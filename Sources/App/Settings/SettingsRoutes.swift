import Vapor

/// Settings: profile, workspace and members, API tokens, connected apps, data
/// export and deletion, as form actions and as `/v1` API; and joining by invitation.
struct SettingsRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        routes.grouped(SignInRequired.redirect(returningTo: .settings)).get(.settings, use: SettingsController.page)

        let forms = routes.grouped(SignInRequired.unauthorized)
        forms.post(.settingsAction(.profile), use: SettingsController.saveProfile)
        forms.post(.settingsAction(.changeEmail), use: EmailChangeController.request)
        forms.post(.settingsAction(.tokens), use: SettingsController.createToken)
        forms.post(.settingsAction(.revokeToken(.key)), use: SettingsController.revokeToken)
        forms.post(.settingsAction(.deleteAccount), use: SettingsController.deleteAccount)
        forms.post(.settingsAction(.renameWorkspace), use: SettingsController.renameWorkspace)
        forms.post(.settingsAction(.switchWorkspace), use: SettingsController.switchWorkspace)
        forms.post(.settingsAction(.members), use: SettingsController.invite)
        forms.post(.settingsAction(.removeMember(.key)), use: SettingsController.removeMember)
        forms.post(.settingsAction(.makeOwner(.key)), use: SettingsController.makeOwner)
        forms.post(.settingsAction(.leaveWorkspace), use: SettingsController.leaveWorkspace)
        forms.post(.settingsAction(.revokeInvitation(.key)), use: SettingsController.revokeInvitation)
        forms.post(.settingsAction(.endOtherSessions), use: SettingsController.endOtherSessions)
        forms.post(.settingsAction(.endSession(.key)), use: SettingsController.endSession)
        // After a refused form the address bar shows the form's address; reloading or bookmarking it lands here.
        for action: SettingsAction in [.profile, .changeEmail, .tokens, .members, .renameWorkspace, .switchWorkspace, .leaveWorkspace, .deleteAccount, .endOtherSessions] {
            routes.get(.settingsAction(action), use: SettingsController.toSettings)
        }
        routes.grouped(SignInRequired.redirect(returningTo: .settings))
            .post(.settingsAction(.revokeConnectedApp(.key)), use: ConnectedAppsController.revoke)

        // An invitation link never signs anyone in (SECURITY.md 42): the page sends a
        // signed-out visitor to sign in first, and accepting needs a signed-in invitee.
        // Anyone can try tokens here, so both are rate-limited per client address.
        let invitation = routes.grouped(PerClientRateLimit(name: "invitation", rule: \.invitationRequestsPerIP))
        invitation.get(.invitation, use: InvitationController.page)
        invitation.grouped(SignInRequired.unauthorized).post(.invitation, use: InvitationController.accept)
        // The same for the link that confirms a new sign-in email (it goes to a mailbox, not to this browser).
        let emailLink = routes.grouped(PerClientRateLimit(name: "email-confirm", rule: \.invitationRequestsPerIP))
        emailLink.get(.settingsAction(.confirmEmail), use: EmailChangeController.page)
        emailLink.grouped(SignInRequired.unauthorized).post(.settingsAction(.confirmEmail), use: EmailChangeController.confirm)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.post(.api(.tokens), use: AccountAPIController.createToken)
        api.get(.api(.tokens), use: AccountAPIController.listTokens)
        api.delete(.api(.token(.key)), use: AccountAPIController.revokeToken)
        api.patch(.api(.accountProfile), use: AccountAPIController.updateProfile)
        api.delete(.api(.account), use: AccountAPIController.deleteAccount)
        api.get(.api(.accountExport), use: DataExportController.export)
    }
}
