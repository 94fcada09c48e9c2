import Core
import Fluent
import Foundation
import Messaging
import SQLKit
import Vapor

/// Passwordless sign-in: email magic links and SMS codes.
///
/// Both secrets come from the system CSPRNG and are stored only as hashes, expire
/// after ten minutes, work once, and only in the browser that asked for them (the
/// attempt cookie). Answers do not reveal whether an address has an account.
struct LoginService: Sendable {
    static let lifetime: TimeInterval = 600
    static let maxWrongCodes = 5

    struct SignedIn: Sendable {
        let user: User
        let organization: Organization
        let sessionToken: String
        let isNewUser: Bool
        /// Where the person was headed when they asked to sign in, as stored with the attempt.
        var next: String?
    }

    let database: any Database
    let now: Date
    let publicURL: String
    let secret: String
    let mailer: any Mailer
    let sms: any SMSSender
    let audit: AuditLog
    /// Rate limits count by the client's address (its /64 for IPv6).
    let client: ClientAddress
    let rateLimits: RateLimitPolicy
    let random: AppRandom

    // MARK: Magic link

    /// `next` stays here with the attempt; the link carries only its token.
    func requestMagicLink(email: EmailAddress, attempt: String, next: String? = nil) async throws {
        let counted = try await limitSends(to: "email:" + email.normalized, "this address")

        let token = random.token()
        try await LoginChallenge(
            channel: .email, target: email.normalized, secretHash: SecretToken.sha256(token),
            attemptHash: SecretToken.sha256(attempt), next: next, now: now, expiresAt: now.addingTimeInterval(Self.lifetime)
        ).create(on: database)
        let link = SiteRoute.magicLink.url(base: publicURL, QueryString([("token", token)]))
        try await deliver(counted: counted) { try await mailer.send(EmailMessage(
            to: email.normalized,
            subject: "Your sign-in link for BuildMyMCPServer",
            text: """
            Open this link to sign in to BuildMyMCPServer:

            \(link)

            It works once, for the next 10 minutes, in the browser where you asked for it.
            If you did not ask to sign in, ignore this email.
            """,
            html: nil
        )) }
        try await signInAudit.record("auth.magic_link_requested", target: email.normalized, metadata: ["email": email.masked])
    }

    /// Failed link checks count against the same per-address limit as codes, so guessing
    /// either costs the same; a link that works counts nothing (a busy office behind one
    /// address signs in as often as its sign-in emails allow).
    func completeMagicLink(token: String, attempt: String?) async throws -> SignedIn {
        let limiter = RateLimiter(database: database, now: now)
        let key = "verify:ip:" + client.rateLimitKey
        try await limiter.check(key, rateLimits.signInVerifiesPerIP)
        do {
            return try await checkMagicLink(token: token, attempt: attempt)
        } catch let error as APIError {
            try await limiter.hit(key, rateLimits.signInVerifiesPerIP)
            throw error
        }
    }

    private func checkMagicLink(token: String, attempt: String?) async throws -> SignedIn {
        guard let challenge = try await LoginChallenge.query(on: database)
            .filter(\.$secretHash == SecretToken.sha256(token))
            .filter(\.$channel == LoginChallenge.Channel.email.rawValue)
            .first()
        else {
            throw try await failure("unknown_link", "This sign-in link is not valid. Request a new one.", channel: "email")
        }
        if challenge.consumedAt != nil {
            throw try await failure("link_used", "This sign-in link was already used. Request a new one.", channel: "email", target: challenge.target)
        }
        if challenge.expiresAt <= now {
            throw try await failure("link_expired", "This sign-in link has expired. Request a new one.", channel: "email", target: challenge.target)
        }
        guard let attempt, SecretToken.constantTimeEqual(SecretToken.sha256(attempt), challenge.attemptHash) else {
            throw try await failure("wrong_browser", "Open the link in the browser where you asked for it.", channel: "email", target: challenge.target)
        }
        guard try await consume(challenge) else {
            throw try await failure("link_used", "This sign-in link was already used. Request a new one.", channel: "email", target: challenge.target)
        }
        var signedIn = try await signIn(email: challenge.target, phone: nil)
        signedIn.next = challenge.next
        return signedIn
    }

    // MARK: SMS code

    func requestSMSCode(phone: PhoneNumber, attempt: String, next: String? = nil) async throws {
        let counted = try await limitSends(to: "sms:" + phone.e164, "this number")

        let id = UUID()
        let code = random.sixDigitCode()
        try await LoginChallenge(
            id: id, channel: .sms, target: phone.e164, secretHash: codeHash(code, challenge: id),
            attemptHash: SecretToken.sha256(attempt), next: next, now: now, expiresAt: now.addingTimeInterval(Self.lifetime)
        ).create(on: database)
        try await deliver(counted: counted) { try await sms.send(SMSMessage(to: phone.e164, body: "\(code) is your BuildMyMCPServer sign-in code. It expires in 10 minutes.")) }
        try await signInAudit.record("auth.sms_code_requested", target: phone.e164, metadata: ["phone": phone.masked])
    }

    func verifySMSCode(phone: PhoneNumber, code: String, attempt: String?) async throws -> SignedIn {
        let limiter = RateLimiter(database: database, now: now)
        try await limiter.hit("verify:ip:" + client.rateLimitKey, rateLimits.signInVerifiesPerIP)
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError(.badRequest, "invalid_code", "Enter the 6-digit code from the text message.")
        }
        // A code belongs to the sign-in attempt that asked for it: its `bmm_attempt` cookie. A script that
        // dropped the cookie is told so rather than that a fresh code expired.
        guard let attempt else {
            throw try await failure("code_expired", "This code belongs to the request that sent it: send the bmm_attempt cookie "
                + "that request's answer set (with curl, -c and -b with a cookie file), or request a new code.", channel: "sms", target: phone.e164)
        }
        guard let challenge = try await LoginChallenge.query(on: database)
            .filter(\.$channel == LoginChallenge.Channel.sms.rawValue)
            .filter(\.$target == phone.e164)
            .filter(\.$attemptHash == SecretToken.sha256(attempt))
            .filter(\.$expiresAt > now)
            .sort(\.$createdAt, .descending)
            .first()
        else {
            throw try await codeExpired(phone)
        }
        // The same code submitted again from the browser it signed in (a second click sent
        // before the first answer came back) says so, as a used sign-in link does; any other
        // code for a used challenge is no code at all. Nothing is counted: a used code signs
        // nobody in. A use made meanwhile is caught below.
        if challenge.consumedAt != nil {
            guard SecretToken.constantTimeEqual(codeHash(digits, challenge: challenge.id!), challenge.secretHash) else {
                throw try await codeExpired(phone)
            }
            throw try await codeUsed(phone)
        }
        // A guess (a live code of this number, asked for by this browser): only now does it count against the
        // number's daily guesses. Requests without the attempt or a code cannot guess, so they no longer lock
        // the owner out (30 such requests from anywhere did, for a day).
        try await limiter.hit("verify:sms:" + phone.e164, rateLimits.signInVerifiesPerPhone,
                              reason: "Too many wrong codes were tried for this number today.")
        // The try is counted before the code is compared, in one statement: concurrent
        // guesses cannot all read the same count and each get a try (SECURITY.md 36).
        guard let tries = try await claimTry(challenge) else {
            if try await LoginChallenge.find(challenge.id, on: database)?.consumedAt != nil {
                throw try await codeUsed(phone)
            }
            throw try await failure("too_many_attempts", "Too many wrong codes. Request a new code.", channel: "sms", target: phone.e164,
                                    status: .tooManyRequests)
        }
        guard SecretToken.constantTimeEqual(codeHash(digits, challenge: challenge.id!), challenge.secretHash) else {
            let left = Self.maxWrongCodes - tries
            let message = left > 0
                ? "That code is not right. \(left) \(left == 1 ? "try" : "tries") left."
                : "That code is not right, and it no longer works. Request a new code."
            throw try await failure("wrong_code", message, channel: "sms", target: phone.e164)
        }
        guard try await consume(challenge) else {
            throw try await codeUsed(phone)
        }
        var signedIn = try await signIn(email: nil, phone: challenge.target)
        signedIn.next = challenge.next
        return signedIn
    }

    // MARK: Shared

    /// Sign-in messages to `target`: a few per client address (so one address cannot use up someone else's
    /// sign-in), more per target from everyone (so a mailbox or phone is not flooded from many), and the client's
    /// own total. The per-target count only takes sends the per-client limit let through.
    /// Counts one send against each limit; returns the keys counted, for `deliver` to give back when nothing went.
    @discardableResult
    private func limitSends(to target: String, _ described: String) async throws -> [String] {
        let limiter = RateLimiter(database: database, now: now)
        let keys = ["send:" + target + "@" + client.rateLimitKey, "send:" + target, "send:ip:" + client.rateLimitKey]
        try await limiter.hit(keys[0], rateLimits.signInSendsPerTargetAndClient)
        try await limiter.hit(keys[1], rateLimits.signInSendsPerTarget,
                              reason: "Too many sign-in messages were sent to \(described) in the last hour.")
        try await limiter.hit(keys[2], rateLimits.signInSendsPerIP)
        return keys
    }

    private func codeHash(_ code: String, challenge: UUID) -> String {
        SecretToken.hmac(challenge.uuidString + ":" + code, key: secret)
    }

    /// Counts one try at the code; the number of tries so far with this one, or `nil`
    /// when the code has had all its tries (or was used meanwhile).
    private func claimTry(_ challenge: LoginChallenge) async throws -> Int? {
        guard let sql = database as? any SQLDatabase else { return nil }
        let row = try await sql.raw("""
            UPDATE login_challenges SET failed_attempts = failed_attempts + 1
            WHERE id = \(bind: challenge.id!) AND failed_attempts < \(bind: Self.maxWrongCodes) AND consumed_at IS NULL
            RETURNING failed_attempts
            """).first()
        return try row?.decode(column: "failed_attempts", as: Int.self)
    }

    /// Marks the challenge used; `false` if another request used it first.
    private func consume(_ challenge: LoginChallenge) async throws -> Bool {
        try await database.markOnce(LoginChallenge.self, "consumed_at", id: challenge.id!, now: now)
    }

    /// A provider failure becomes a clear 503 that says whether trying again can help; its description is log-safe.
    /// A message the provider did not take for reasons of its own or ours (down, throttling, our account) was
    /// never sent: its sends are given back (`counted`), so following "try again in a minute" does not run into
    /// the limit of messages never received. A refusal of the address stays counted.
    private func deliver(counted: [String], _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DeliveryError {
            try await audit.record("auth.delivery_failed", metadata: ["reason": error.description])
            if case .rejected = error {} else {
                try await RateLimiter(database: database, now: now).giveBack(counted)
            }
            var answer: APIError
            switch error {
            case .rejected:
                // The provider refused this message (an invalid number, an address that bounced before): waiting
                // does not help, another address or number may.
                answer = APIError(.serviceUnavailable, "delivery_failed",
                                  "Our provider refused to send to this address or number. Check it for typos, or use another one.")
            case .accountRefused, .misconfigured:
                // Our credentials, sender or account: nothing the person typed, and nothing a minute fixes.
                answer = APIError(.serviceUnavailable, "delivery_failed",
                                  "We cannot send messages right now because of a problem on our side, not with your address or number. Try again later.",
                                  headers: ["Retry-After": "600"])
            case .unavailable:
                answer = APIError(.serviceUnavailable, "delivery_failed", "We could not send the message right now. Try again in a minute.",
                                  headers: ["Retry-After": "60"])
            }
            // The provider's status and code, for the operator (the line otherwise repeats the sentence above).
            answer.cause = error.description
            throw answer
        }
    }

    private func codeExpired(_ phone: PhoneNumber) async throws -> APIError {
        try await failure("code_expired", "This code has expired or was never sent here. Request a new one.", channel: "sms", target: phone.e164)
    }

    private func codeUsed(_ phone: PhoneNumber) async throws -> APIError {
        try await failure("code_used", "This code was already used. Request a new one.", channel: "sms", target: phone.e164)
    }

    /// `target`: the address or number the failed attempt was for, when it is known (a link that was never sent
    /// names none).
    private func failure(_ code: String, _ message: String, channel: String, target: String? = nil,
                         status: HTTPResponseStatus = .badRequest) async throws -> APIError {
        try await signInAudit.record("auth.sign_in_failed", target: target, metadata: ["channel": channel, "reason": code])
        return APIError(status, code, message)
    }

    private var signInAudit: SignInAudit { SignInAudit(database: database, audit: audit, secret: secret) }

    /// Finds or creates the user (with a personal organization) and starts a session.
    private func signIn(email: String?, phone: String?) async throws -> SignedIn {
        let (user, organization, isNew) = try await database.writeTransaction { db -> (User, Organization, Bool) in
            let query = User.query(on: db)
            if let email { query.filter(\.$email == email) } else if let phone { query.filter(\.$phone == phone) }
            let existing = try await query.first()
            if let user = existing {
                let membership = try await Membership.query(on: db).filter(\.$user.$id == user.id!)
                    .sort(\.$createdAt).with(\.$organization).first()
                if let membership { return (user, membership.organization, false) }
            }
            // Someone who belongs to no workspace any more (removed from the last one)
            // gets a new personal one, not a second account with their address.
            let name = email.map { String($0.split(separator: "@")[0]) } ?? "New user"
            let user = existing ?? User(email: email, phone: phone, displayName: name)
            if existing == nil { try await user.create(on: db) }
            let organization = try await PersonalWorkspace.create(for: user, named: existing?.displayName ?? name, on: db)
            if let carried = try await SuspendedIdentity.find(email: email, phone: phone, on: db) {
                organization.suspendedAt = now
                try await organization.save(on: db)
                try await AuditLog(database: db, now: now, ip: nil, userAgent: nil).record(
                    "org.suspended", organization: organization.id, resourceType: "organization", resourceID: organization.id?.uuidString,
                    metadata: ["carried_over_from": carried.organizationName, "reason": "the suspended workspace's owner deleted the account and signed up again"])
            }
            if let target = email ?? phone {
                try await signInAudit.adopt(target: target, user: user.requireID(), organization: organization.requireID(), on: db)
            }
            return (user, organization, existing == nil)
        }
        let (session, token) = try await SessionService(database: database, now: now, random: random)
            .create(userID: user.id!, organizationID: organization.id!, ip: audit.ip, userAgent: audit.userAgent)
        if isNew {
            try await audit.record("account.created", organization: organization.id, actor: user.id, resourceType: "user", resourceID: user.id?.uuidString)
        }
        try await audit.record("auth.signed_in", organization: organization.id, actor: user.id, resourceType: "session",
                               resourceID: session.id?.uuidString, metadata: ["channel": email != nil ? "email" : "sms"])
        return SignedIn(user: user, organization: organization, sessionToken: token, isNewUser: isNew)
    }
}

