import Vapor

/// OAuth 2.1: discovery (and a JSON 404 at the variants clients probe for other issuers), the consent flow (signed
/// in, CSRF-protected) and the machine endpoints for public clients.
struct OAuthRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        // Discovery and the machine endpoints read no cookie: a client running in any page may call them.
        let machine = routes.grouped(CrossOriginMiddleware(policy: .anyOrigin))
        let otherIssuers: [WellKnownRoute] = [
            .openIDConfiguration, .authorizationServerInserted(.key), .openIDConfigurationInserted(.key), .openIDConfigurationUnderServer(.key),
        ]
        machine.get(.wellKnown(.protectedResource(.key)), use: OAuthMetadataController.protectedResource)
        machine.get(.wellKnown(.protectedResourceRoot), use: OAuthMetadataController.protectedResourceRoot)
        machine.get(.wellKnown(.authorizationServer), use: OAuthMetadataController.authorizationServer)
        for other in otherIssuers {
            machine.get(.wellKnown(other), use: OAuthMetadataController.notThisIssuer)
        }

        let consent = routes.grouped(accounts)
        consent.get(.oauth(.authorize), use: OAuthAuthorizeController.get)
        consent.post(.oauth(.authorize), use: OAuthAuthorizeController.post)
        consent.get(.oauth(.defaultAuthorize), use: OAuthAuthorizeController.get)

        // Dynamic registration is open to anyone, so it is rate-limited per address.
        let registrations = machine.grouped(PerClientRateLimit(name: "oauth-register", rule: \.clientRegistrationsPerIP))
        registrations.post(.oauth(.register), use: OAuthTokenController.register)
        registrations.post(.oauth(.defaultRegister), use: OAuthTokenController.register)
        let tokens = machine.grouped(PerClientRateLimit(name: "oauth-token", rule: \.tokenRequestsPerIP))
        tokens.post(.oauth(.token), use: OAuthTokenController.token)
        tokens.post(.oauth(.defaultToken), use: OAuthTokenController.token)
        machine.grouped(PerClientRateLimit(name: "oauth-revoke", rule: \.revocationsPerIP))
            .post(.oauth(.revoke), use: OAuthTokenController.revoke)
        machine.preflights([
            .wellKnown(.protectedResource(.key)), .wellKnown(.protectedResourceRoot), .wellKnown(.authorizationServer),
            .oauth(.register), .oauth(.defaultRegister), .oauth(.token), .oauth(.defaultToken), .oauth(.revoke),
        ] + otherIssuers.map { .wellKnown($0) })
    }
}
