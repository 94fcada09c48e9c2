import Vapor

/// Creating a server: the two-step wizard and the drafting API behind it.
struct WizardRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        // Public: the browser's copy of the patterns the server enforces.
        routes.get(.api(.secretPatterns), use: PreviewAPIController.secretPatterns)

        let routes = routes.grouped(accounts)
        let pages = routes.grouped(SignInRequired.redirect(returningTo: .newServer))
        pages.get(.newServer, use: WizardController.promptPage)
        pages.post(.newServer, use: WizardController.submitPrompt)
        pages.get(.serverDraft(.key), use: WizardController.reviewPage)
        pages.on(.POST, .serverDraft(.key), body: .collect(maxSize: SpecBodyLimit.size), use: WizardController.submitReview)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.post(.api(.preview), use: PreviewAPIController.preview)
        api.post(.api(.previewStream), use: PreviewAPIController.stream)
        api.on(.POST, .api(.previewEdit(.key)), body: .collect(maxSize: SpecBodyLimit.size), use: PreviewAPIController.edit)
    }
}
