import Core
import Vapor

/// Settings → Profile's email form, and the page its emailed link opens. Like an invitation link, the link signs
/// nobody in: a signed-out visitor signs in first and comes back.
enum EmailChangeController {
    struct RequestForm: Content { var email: String? }
    struct ConfirmForm: Content { var token: String? }

    static func request(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(RequestForm.self)
        let entered = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        // Shown back cut to the field's length; parsed whole, so an address too long is called that.
        let typed = String(entered.prefix(254))
        do {
            let email: EmailAddress
            do { email = try EmailAddress.parse(entered) } catch { throw APIError(error) }
            try await req.emailChanges().request(current, email: email)
        } catch let error as APIError {
            var view = EmailFormView(value: typed, error: error.reason)
            if error.code == EmailChangeService.reauthenticationRequired.code {
                view.reauth = EmailFormView.Reauth(current.user)
            }
            return try await SettingsController.render(req, current, email: view, status: error.formStatus).carrying(error)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "email-sent")])), redirectType: .normal)
    }

    static func page(_ req: Request) async throws -> Response {
        let token = String((req.query[String.self, at: "token"] ?? "").prefix(100))
        guard let current = req.currentUser else {
            let back = SiteRoute.settingsAction(.confirmEmail).path(QueryString([("token", token)]))
            return req.redirect(to: SiteRoute.login.path(QueryString([("next", back)])), redirectType: .normal)
        }
        do {
            let change = try await req.emailChanges().open(token: token, as: current)
            let view = EmailChangeView(csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.settingsAction(.confirmEmail).path,
                                       token: token, current: current.user.email ?? current.user.phone ?? "", new: change.email)
            return try await req.accountPage("Settings/email-change", title: "Confirm your new email", view).noStore()
        } catch let error as APIError {
            return try await failure(req, error)
        }
    }

    static func confirm(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(ConfirmForm.self)
        do {
            try await req.emailChanges().confirm(token: form.token ?? "", as: current)
        } catch let error as APIError {
            return try await failure(req, error)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "email-changed")])), redirectType: .normal)
    }

    private static func failure(_ req: Request, _ error: APIError) async throws -> Response {
        try await req.refusalPage(error, heading: "This link did not work", title: "Email change")
    }
}

struct EmailChangeView: Encodable {
    let csrf: String
    let action: String
    let token: String
    /// What the person signs in with now (an email address, or a phone number if they have no email yet).
    let current: String
    let new: String
}

/// Settings → Profile's email form: empty, or what was typed with why it was refused.
struct EmailFormView: Encodable {
    var value = ""
    var error: String?
    /// The sign-in to make again before the change, when the last one is too old.
    var reauth: Reauth?

    /// A sign-in form for what the person signs in with now, coming back to this form.
    struct Reauth: Encodable {
        let action: String
        let field: String
        let value: String
        let label: String
        let next = SiteRoute.settings.path + "#new-email"

        init(_ user: User) {
            if let email = user.email {
                action = SiteRoute.loginEmail.path
                field = "email"
                value = email
                label = "Email me a sign-in link"
            } else {
                action = SiteRoute.loginSMS.path
                field = "phone"
                value = user.phone ?? ""
                label = "Text me a sign-in code"
            }
        }
    }
}
