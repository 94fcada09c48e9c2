import Vapor

/// Forking templates and keeping forks up to date: the Fork button, the fork wizard,
/// a fork's update page, and their `/v1` counterparts.
struct ForkRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        // Signed-out visitors are sent to sign in and back to the template's page by the handler.
        routes.post(.template(.key, .fork), use: ForkWizardController.fork)

        let wizard = routes.grouped(SignInRequired.redirect(returningTo: .templates))
        wizard.get(.forkWizard, use: ForkWizardController.page)
        wizard.on(.POST, .forkWizard, body: .collect(maxSize: LargeBodyLimit.size), use: ForkWizardController.submit)

        let serverPages = routes.grouped(SignInRequired.redirect(returningTo: .servers))
        serverPages.get(.server(.key, .templateUpdate), use: TemplateUpdateController.page)
        serverPages.post(.server(.key, .templateUpdate), use: TemplateUpdateController.apply)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.post(.api(.templateFork(.key)), use: ForkAPIController.reference)
        api.get(.api(.serverTemplateUpdate(.key)), use: TemplateUpdateAPIController.show)
        api.post(.api(.serverTemplateUpdate(.key)), use: TemplateUpdateAPIController.apply)
    }
}
