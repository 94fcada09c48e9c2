/// `GET /logout`: signing out changes state, so it takes a POST; a typed or bookmarked
/// address gets this one-button page instead of a "method not allowed".
struct SignOutView: Encodable {
    let csrf: String
    let action: String
    let backHref: String
}
