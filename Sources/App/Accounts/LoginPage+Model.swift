struct CountryOption: Encodable {
    let code: String
    let name: String
    /// Digits of a national number without the trunk 0, for the browser-side check.
    let minDigits: Int
    let maxDigits: Int
    /// e.g. "🇨🇭 +41 Switzerland": flag and code first, so the closed select shows them.
    let label: String
    let isSelected: Bool
}

struct LoginView: Encodable {
    let csrf: String
    /// Where to go after signing in (a local path).
    let next: String
    /// What signing in is for, when `next` says ("Sign in to connect Claude Desktop to Adder").
    let purpose: String?
    /// What just happened, from a fixed list (`?notice=`), never text from the address.
    var notice: String? = nil
    let emailAction: String
    let smsAction: String
    let email: String
    let emailError: String?
    let countries: [CountryOption]
    let national: String
    let phoneError: String?
    /// Development only: where sent messages can be read.
    let outboxHref: String?
    let loginScript: String
}
