import Core
import Fluent
import Vapor

/// `/v1/auth/*`: the same sign-in flows for `fetch` and API clients.
enum AuthAPIController {
    struct MagicLinkRequest: Content {
        let email: String
    }

    struct SMSRequest: Content {
        let phone: String
    }

    struct SMSVerifyRequest: Content {
        let phone: String
        let code: String
    }

    struct Accepted: Content {
        let status: String
        let message: String
    }

    static func requestMagicLink(_ req: Request) async throws -> Response {
        let body = try req.content.decode(MagicLinkRequest.self)
        let email: EmailAddress
        do {
            email = try EmailAddress.parse(body.email)
        } catch {
            throw APIError(error)
        }
        try await req.loginService().requestMagicLink(email: email, attempt: req.signInAttempt())
        // The same answer whether or not the address has an account.
        return try await accepted(req, "If the address can receive mail, a sign-in link is on its way.")
    }

    static func requestSMS(_ req: Request) async throws -> Response {
        let body = try req.content.decode(SMSRequest.self)
        let phone: PhoneNumber
        do {
            phone = try PhoneNumber.parse(body.phone)
        } catch {
            throw APIError(.badRequest, error.code, error.message)
        }
        try await req.loginService().requestSMSCode(phone: phone, attempt: req.signInAttempt())
        return try await accepted(req, "If the number can receive text messages, a code is on its way.")
    }

    static func verifySMS(_ req: Request) async throws -> Response {
        let body = try req.content.decode(SMSVerifyRequest.self)
        let phone: PhoneNumber
        do {
            phone = try PhoneNumber.parse(body.phone)
        } catch {
            throw APIError(.badRequest, error.code, error.message)
        }
        let signedIn = try await req.loginService().verifySMSCode(phone: phone, code: body.code, attempt: req.cookies[req.accounts.cookies.attempt]?.string)
        // The workspace signed into may be one the person joined as a member: the role is read, not assumed.
        let membership = try await Membership.query(on: req.db).filter(\.$user.$id == signedIn.user.requireID())
            .filter(\.$organization.$id == signedIn.organization.requireID()).first()
        let response = try req.json(Me(signedIn.user, signedIn.organization, plan: req.application.config.plans.plan(for: signedIn.organization),
                                       role: membership?.role))
        try await req.startSession(on: response, token: signedIn.sessionToken)
        // A script signed in here has no page to get the CSRF cookie from, and its session's writes need it.
        _ = req.csrfToken(req.accounts.cookies)
        return response.noStore()
    }

    /// Also (re)issues the CSRF cookie to a session: a client that lost it gets it back here.
    static func currentUser(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        if req.headers.bearerAuthorization == nil { _ = req.csrfToken(req.accounts.cookies) }
        return try req.json(try await Me.load(current, on: req.db)).noStore()
    }

    static func logout(_ req: Request) async throws -> Response {
        try await req.signOut()
        let response = Response(status: .noContent)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    private static func accepted(_ req: Request, _ message: String) async throws -> Response {
        let response = try req.json(Accepted(status: "accepted", message: message), status: .accepted)
        req.applyIssuedCookies(to: response)
        return response.noStore()
    }
}

