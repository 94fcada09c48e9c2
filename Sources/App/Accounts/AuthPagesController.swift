import Core
import Vapor

/// The sign-in pages: forms that work without JavaScript, post, and redirect.
enum AuthPagesController {
    struct EmailForm: Content {
        var email: String?
        var next: String?
    }

    struct PhoneForm: Content {
        var country: String?
        var national: String?
        /// The whole number instead (E.164), as Settings sends it for a sign-in made again.
        var phone: String?
        var next: String?
    }

    struct CodeForm: Content {
        var phone: String?
        var code: String?
    }

    struct TokenForm: Content {
        var token: String?
    }

    static func login(_ req: Request) async throws -> Response {
        if req.currentUser != nil {
            return req.redirect(to: req.safeNext(req.query["next"]), redirectType: .normal)
        }
        return try await renderLogin(req, next: req.safeNext(req.query["next"]), notice: req.queryText("notice").flatMap { loginNotices[$0] })
    }

    /// The login page's notices, by key: where a person lands signed out after something that ended their session.
    static let loginNotices = [
        "account-deleted": "Your account was deleted and you are signed out. An email confirms it. Signing in again starts a new, empty account.",
    ]

    static func requestEmail(_ req: Request) async throws -> Response {
        let form = try req.content.decode(EmailForm.self)
        let next = req.safeNext(form.next)
        let typed = form.email ?? ""
        let email: EmailAddress
        do {
            email = try EmailAddress.parse(typed)
        } catch {
            return try await renderLogin(req, next: next, email: typed, emailError: error.message, status: .unprocessableEntity)
        }
        let attempt = req.signInAttempt()
        do {
            try await req.loginService().requestMagicLink(email: email, attempt: attempt, next: next)
        } catch let error as APIError {
            return try await renderLogin(req, next: next, email: typed, emailError: error.reason, status: error.status).carrying(error)
        }
        let response = req.redirect(to: SiteRoute.loginCheckEmail.path(QueryString([("to", email.masked)])), redirectType: .normal)
        req.applyIssuedCookies(to: response)
        return response
    }

    static func checkEmail(_ req: Request) async throws -> Response {
        // Only the masked address this app put in the link is shown: the page must not say
        // whatever text someone put in a link they sent around ("Call +1-800-… now").
        let masked = req.query[String.self, at: "to"].flatMap { isMaskedAddress($0) ? $0 : nil } ?? "your address"
        let view = CheckEmailView(maskedEmail: masked, loginHref: SiteRoute.login.path, outboxHref: outboxHref(req))
        return try await req.accountPage("Accounts/check-email", title: "Check your email", view)
    }

    /// `EmailAddress.masked`'s shape: one character, `•••@`, then a domain without spaces.
    static func isMaskedAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, text.count <= 260, parts[0].count == 4, parts[0].hasSuffix("•••"), let first = parts[0].first,
              !first.isWhitespace, first != "•", parts[1].count >= 3, parts[1].contains(".")
        else { return false }
        return parts[1].allSatisfy { ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") && !$0.isWhitespace }
    }

    static func requestSMS(_ req: Request) async throws -> Response {
        let form = try req.content.decode(PhoneForm.self)
        let next = req.safeNext(form.next)
        let country = form.country ?? DialCodes.defaultCountry
        let national = form.national ?? ""
        let phone: PhoneNumber
        do {
            if let whole = form.phone, !whole.isEmpty {
                phone = try PhoneNumber.parse(whole)
            } else {
                phone = try PhoneNumber.from(country: country, national: national)
            }
        } catch {
            return try await renderLogin(req, next: next, country: country, national: national,
                                         phoneError: error.message(forCountry: country), status: .unprocessableEntity)
        }
        let attempt = req.signInAttempt()
        do {
            try await req.loginService().requestSMSCode(phone: phone, attempt: attempt, next: next)
        } catch let error as APIError {
            return try await renderLogin(req, next: next, country: country, national: national, phoneError: error.reason, status: error.status).carrying(error)
        }
        let query = QueryString([("phone", phone.e164)])
        let response = req.redirect(to: SiteRoute.loginSMSVerify.path(query), redirectType: .normal)
        req.applyIssuedCookies(to: response)
        return response
    }

    static func smsVerifyPage(_ req: Request) async throws -> Response {
        guard let raw = req.query[String.self, at: "phone"], let phone = try? PhoneNumber.parse(raw) else {
            return req.redirect(to: SiteRoute.login.path, redirectType: .normal)
        }
        return try await renderCodeForm(req, phone: phone)
    }

    static func verifySMS(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        guard let phone = try? PhoneNumber.parse(form.phone ?? "") else {
            return req.redirect(to: SiteRoute.login.path, redirectType: .normal)
        }
        do {
            let signedIn = try await req.loginService().verifySMSCode(phone: phone, code: form.code ?? "", attempt: req.cookies[req.accounts.cookies.attempt]?.string)
            return try await signInResponse(req, signedIn, next: req.safeNext(signedIn.next))
        } catch let error as APIError {
            return try await renderCodeForm(req, phone: phone, error: error.reason, status: error.status).carrying(error)
        }
    }

    static func magicPage(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        let view = MagicLinkView(csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.magicLink.path,
                                 token: String(token.prefix(100)), loginHref: SiteRoute.login.path)
        return try await req.accountPage("Accounts/magic-link", title: "Finish signing in", view)
    }

    static func completeMagic(_ req: Request) async throws -> Response {
        let form = try req.content.decode(TokenForm.self)
        do {
            let signedIn = try await req.loginService().completeMagicLink(token: form.token ?? "", attempt: req.cookies[req.accounts.cookies.attempt]?.string)
            return try await signInResponse(req, signedIn, next: req.safeNext(signedIn.next))
        } catch let error as APIError {
            return try await req.refusalPage(error, heading: "This link did not work", title: "Sign-in link",
                                             next: ("Sign in here", SiteRoute.login.path)).carrying(error)
        }
    }

    /// Signed out already, there is nothing to confirm: the home page.
    static func signOutPage(_ req: Request) async throws -> Response {
        guard req.currentUser != nil else { return req.redirect(to: SiteRoute.home.path, redirectType: .normal) }
        let view = SignOutView(csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.logout.path, backHref: SiteRoute.dashboard.path)
        return try await req.accountPage("Accounts/sign-out", title: "Sign out", view)
    }

    static func logout(_ req: Request) async throws -> Response {
        try await req.signOut()
        let response = req.redirect(to: SiteRoute.home.path, redirectType: .normal)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    // MARK: Rendering

    static func signInResponse(_ req: Request, _ signedIn: LoginService.SignedIn, next: String) async throws -> Response {
        let response = req.redirect(to: next, redirectType: .normal)
        try await req.startSession(on: response, token: signedIn.sessionToken)
        return response.noStore()
    }

    static func renderLogin(
        _ req: Request, next: String, email: String = "", emailError: String? = nil,
        country: String = DialCodes.defaultCountry, national: String = "", phoneError: String? = nil,
        notice: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        var view = LoginView(
            csrf: req.csrfToken(req.accounts.cookies),
            next: next,
            purpose: try await SignInPurpose.describe(next: next, req),
            emailAction: SiteRoute.loginEmail.path,
            smsAction: SiteRoute.loginSMS.path,
            email: email,
            emailError: emailError,
            countries: DialCodes.all.map { code in
                CountryOption(code: code.countryCode, name: code.name, minDigits: code.nationalNumberLengths.lowerBound,
                              maxDigits: code.nationalNumberLengths.upperBound,
                              label: "\(code.flag) +\(code.callingCode) \(code.name)", isSelected: code.countryCode == country)
            },
            national: national,
            phoneError: phoneError,
            outboxHref: outboxHref(req),
            loginScript: req.site.script("js/login.js")
        )
        view.notice = notice
        return try await req.accountPage("Accounts/login", title: view.purpose ?? "Sign in", view, status: status)
    }

    static func renderCodeForm(_ req: Request, phone: PhoneNumber, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let view = SMSVerifyView(
            csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.loginSMSVerify.path, phone: phone.e164,
            maskedPhone: phone.masked, error: error, loginHref: SiteRoute.login.path, outboxHref: outboxHref(req)
        )
        return try await req.accountPage("Accounts/sms-verify", title: "Enter your code", view, status: status)
    }

    static func outboxHref(_ req: Request) -> String? {
        req.accounts.showsOutbox ? SiteRoute.devOutbox.path : nil
    }
}

