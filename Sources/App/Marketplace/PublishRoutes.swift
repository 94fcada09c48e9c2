import Vapor

/// Publishing and the owner's controls: the server's Publish page, the template's edit
/// page and visibility switch, and the owner's part of `/v1/templates`.
struct PublishRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        let serverPages = routes.grouped(SignInRequired.redirect(returningTo: .servers))
        serverPages.get(.server(.key, .publish), use: PublishPageController.page)
        serverPages.on(.POST, .server(.key, .publish), body: .collect(maxSize: LargeBodyLimit.size), use: PublishPageController.publish)
        let templatePages = routes.grouped(SignInRequired.redirect(returningTo: .templates))
        templatePages.get(.template(.key, .edit), use: TemplateEditController.page)
        templatePages.on(.POST, .template(.key, .edit), body: .collect(maxSize: LargeBodyLimit.size), use: TemplateEditController.save)
        templatePages.post(.template(.key, .visibility), use: TemplateEditController.visibility)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.on(.POST, .api(.templates), body: .collect(maxSize: LargeBodyLimit.size), use: TemplatePublishAPIController.publish)
        api.get(.api(.templatesMine), use: TemplatePublishAPIController.mine)
        api.on(.PATCH, .api(.template(.key)), body: .collect(maxSize: LargeBodyLimit.size), use: TemplatePublishAPIController.update)
        api.patch(.api(.templateVisibility(.key)), use: TemplatePublishAPIController.visibility)
        api.post(.api(.templateVersions(.key)), use: TemplatePublishAPIController.publishVersion)
    }
}
