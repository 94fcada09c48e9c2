import Vapor

/// Hosted servers: the list, each server's page with its form actions (playground,
/// secrets, versions, iterate, settings, delete), the live call tail and `/v1/servers`.
struct ServerRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        let pages = routes.grouped(SignInRequired.redirect(returningTo: .servers)).grouped(OtherWorkspaceServerPages())
        pages.get(.servers, use: ServersPageController.list)
        for tab in ServerTab.allCases {
            pages.get(.server(.key, tab.page), use: ServerPageController.tab(tab))
        }
        pages.post(.server(.key, .playground), use: ServerPageController.playground)
        pages.post(.server(.key, .secrets), use: ServerPageController.replaceSecret)
        pages.post(.server(.key, .installToken), use: ServerPageController.installToken)
        pages.post(.server(.key, .activateVersion(.key)), use: ServerPageController.rollback)
        pages.post(.server(.key, .delete), use: ServerPageController.delete)
        pages.on(.POST, .server(.key, .iterate), body: .collect(maxSize: LargeBodyLimit.size), use: IterationController.iterate)
        pages.get(.server(.key, .iteration(.key)), use: IterationController.review)
        pages.on(.POST, .server(.key, .iteration(.key)), body: .collect(maxSize: LargeBodyLimit.size), use: IterationController.build)
        pages.on(.POST, .server(.key, .settings), body: .collect(maxSize: LargeBodyLimit.size), use: IterationController.settings)
        pages.on(.POST, .server(.key, .spec), body: .collect(maxSize: LargeBodyLimit.size), use: IterationController.editSpec)
        for (form, tab) in [(ServerPage.spec, ServerTab.versions), (.iterate, .versions), (.activateVersion(.key), .versions),
                            (.installToken, .overview), (.delete, .settings)] {
            pages.get(.server(.key, form), use: ServerPageController.toTab(tab))
        }
        pages.get(.server(.key, .version(.key)), use: IterationController.versionDiff)

        let api = routes.grouped(SignInRequired.unauthorized)
        api.get(.api(.slugAvailability), use: ServersAPIController.slugAvailability)
        api.on(.POST, .api(.servers), body: .collect(maxSize: LargeBodyLimit.size), use: ServersAPIController.create)
        api.get(.api(.servers), use: ServersAPIController.list)
        api.get(.api(.server(.key)), use: ServersAPIController.show)
        api.delete(.api(.server(.key)), use: ServersAPIController.delete)
        api.on(.PUT, .api(.serverSecret(server: .key, key: .key)), use: ServersAPIController.setSecret)
        api.delete(.api(.serverSecret(server: .key, key: .key)), use: ServersAPIController.deleteSecret)
        api.get(.api(.callsStream(.key)), use: CallTailController.stream)
        api.get(.api(.serverVersions(.key)), use: ServerVersionsAPIController.list)
        api.on(.POST, .api(.serverVersions(.key)), body: .collect(maxSize: LargeBodyLimit.size), use: ServerVersionsAPIController.build)
        api.get(.api(.serverVersion(server: .key, number: .key)), use: ServerVersionsAPIController.show)
        api.post(.api(.serverVersionActivation(server: .key, number: .key)), use: ServerVersionsAPIController.activate)
    }
}
