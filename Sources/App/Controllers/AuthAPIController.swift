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

    struct Me: Content {
        struct UserInfo: Content {
            let id: UUID
            let email: String?
            let phone: String?
            let displayName: String
        }
        struct OrganizationInfo: Content {
            let id: UUID
            let name: String
            let role: String?
        }
        struct PlanInfo: Content {
            let id: String
            let name: String
        }
        let user: UserInfo
        let org: OrganizationInfo
        let plan: PlanInfo
        let isAdmin: Bool
    }

    static func requestMagicLink(_ req: Request) async throws -> Response {
        let body = try req.content.decode(MagicLinkRequest.self)
        let email: EmailAddress
        do {
            email = try EmailAddress.parse(body.email)
        } catch {
            throw APIError(.badRequest, error.code, error.message)
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
        let response = try await me(signedIn.user, signedIn.organization, role: Membership.Role.owner.rawValue, on: req).encodeResponse(for: req)
        AuthPagesController.setSessionCookies(req, response, token: signedIn.sessionToken)
        return response.noStore()
    }

    static func currentUser(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let membership = try await Membership.query(on: req.db)
            .filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == current.organization.id!).first()
        return try await me(current.user, current.organization, role: membership?.role, on: req).encodeResponse(for: req).noStore()
    }

    static func logout(_ req: Request) async throws -> Response {
        _ = try await AuthPagesController.logout(req)
        let response = Response(status: .noContent)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    private static func me(_ user: User, _ organization: Organization, role: String?, on req: Request) -> Me {
        let plan = PlanTable.plan(organization.planID)
        return Me(
            user: .init(id: user.id!, email: user.email, phone: user.phone, displayName: user.displayName),
            org: .init(id: organization.id!, name: organization.name, role: role),
            plan: .init(id: plan.id.rawValue, name: plan.name),
            isAdmin: user.isAdmin
        )
    }

    private static func accepted(_ req: Request, _ message: String) async throws -> Response {
        let response = try await Accepted(status: "accepted", message: message).encodeResponse(status: .accepted, for: req)
        req.applyIssuedCookies(to: response)
        return response.noStore()
    }
}

