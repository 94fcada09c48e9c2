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
        pages.on(.POST, .newServer, body: .collect(maxSize: LargeBodyLimit.size), use: WizardController.submitPrompt)
        pages.get(.serverDraft(.key), use: WizardController.reviewPage)
        pages.on(.POST, .serverDraft(.key), body: .collect(maxSize: LargeBodyLimit.size), use: WizardController.submitReview)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.on(.POST, .api(.preview), body: .collect(maxSize: LargeBodyLimit.size), use: PreviewAPIController.preview)
        api.on(.POST, .api(.previewStream), body: .collect(maxSize: LargeBodyLimit.size), use: PreviewAPIController.stream)
        api.on(.POST, .api(.previewEdit(.key)), body: .collect(maxSize: LargeBodyLimit.size), use: PreviewAPIController.edit)
    }
}
