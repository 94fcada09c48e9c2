import Vapor

/// Cookie names and attributes. Over https the `__Host-` prefix pins each cookie
/// to this exact host and path `/` with Secure set; plain-http loopback development
/// cannot set Secure cookies, so there the names drop the prefix.
struct AuthCookies: Sendable {
    let isSecure: Bool

    var session: String { isSecure ? "__Host-bmm_session" : "bmm_session" }
    var csrf: String { isSecure ? "__Host-bmm_csrf" : "bmm_csrf" }
    /// Binds a sign-in attempt to the browser that started it.
    var attempt: String { isSecure ? "__Host-bmm_attempt" : "bmm_attempt" }

    /// Readable by scripts and holding nothing secret: it only tells site.js that
    /// asking `/v1/auth/me` is worthwhile.
    static let hint = "bmm_hint"

    static func hintValue(isSecure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "1", maxAge: Int(SessionService.absoluteTimeout), path: "/",
                          isSecure: isSecure, isHTTPOnly: false, sameSite: .lax)
    }

    func value(_ string: String, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: string,
            maxAge: maxAge,
            path: "/",
            isSecure: isSecure,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    /// Ends the browser's sign-in: session and hint cookies expire.
    func clearSignIn(on response: Response) {
        response.cookies[session] = expired()
        response.cookies[Self.hint] = expired()
    }

    func expired() -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                          isSecure: isSecure, isHTTPOnly: true, sameSite: .lax)
    }
}
