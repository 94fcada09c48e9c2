import Vapor

/// Signing in (email link, SMS code) and out, as pages and as `/v1/auth` API,
/// and the development outbox that shows the messages sign-in sends.
struct AccountRoutes: RouteCollection {
    let accounts: [any Middleware]
    let showsOutbox: Bool

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        routes.get(.login, use: AuthPagesController.login)
        routes.post(.loginEmail, use: AuthPagesController.requestEmail)
        routes.get(.loginCheckEmail, use: AuthPagesController.checkEmail)
        routes.post(.loginSMS, use: AuthPagesController.requestSMS)
        // The address bar after a refused sign-in form, reloaded or opened again: the sign-in page, not a 405.
        for form: SiteRoute in [.loginEmail, .loginSMS] {
            routes.get(form) { req in req.redirect(to: SiteRoute.login.path, redirectType: .normal) }
        }
        routes.get(.loginSMSVerify, use: AuthPagesController.smsVerifyPage)
        routes.post(.loginSMSVerify, use: AuthPagesController.verifySMS)
        routes.get(.magicLink, use: AuthPagesController.magicPage)
        routes.post(.magicLink, use: AuthPagesController.completeMagic)
        routes.get(.logout, use: AuthPagesController.signOutPage)
        routes.post(.logout, use: AuthPagesController.logout)

        routes.post(.api(.magicLink), use: AuthAPIController.requestMagicLink)
        routes.post(.api(.sms), use: AuthAPIController.requestSMS)
        routes.post(.api(.smsVerify), use: AuthAPIController.verifySMS)
        routes.post(.api(.logout), use: AuthAPIController.logout)
        routes.grouped(SignInRequired.unauthorized).get(.api(.me), use: AuthAPIController.currentUser)

        if showsOutbox {
            routes.get(.devOutbox, use: DevOutboxController.page)
            routes.get(.devOutboxJSON, use: DevOutboxController.json)
        }
    }
}
