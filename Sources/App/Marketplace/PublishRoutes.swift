import Vapor

/// Publishing and the owner's controls: the server's Publish page, the template's edit
/// page and visibility switch, and the owner's part of `/v1/templates`.
struct PublishRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        let serverPages = routes.grouped(SignInRequired.redirect(returningTo: .servers))
        serverPages.get(.server(.key, .publish), use: PublishPageController.page)
        serverPages.post(.server(.key, .publish), use: PublishPageController.publish)
        let templatePages = routes.grouped(SignInRequired.redirect(returningTo: .templates))
        templatePages.get(.template(.key, .edit), use: TemplateEditController.page)
        templatePages.post(.template(.key, .edit), use: TemplateEditController.save)
        templatePages.post(.template(.key, .visibility), use: TemplateEditController.visibility)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.post(.api(.templates), use: TemplatePublishAPIController.publish)
        api.get(.api(.templatesMine), use: TemplatePublishAPIController.mine)
        api.patch(.api(.template(.key)), use: TemplatePublishAPIController.update)
        api.patch(.api(.templateVisibility(.key)), use: TemplatePublishAPIController.visibility)
        api.post(.api(.templateVersions(.key)), use: TemplatePublishAPIController.publishVersion)
    }
}
