import Foundation
import Vapor

/// A browser form that reached us but could not be acted on — its security code no longer matched, or its
/// session ended while it was being filled in — shown back on the error page with a button that sends it
/// again, so what was typed into it (a hand-edited spec, a change described for Iterate, a listing's
/// description) is never lost. Only forms our own pages sent are shown back: the request's `Origin` or
/// `Referer` must be this site, which a form on another site cannot fake. Secret values are left out
/// (SECURITY.md 31: never in errors); the page asks for them again.
struct UnsentForm: Encodable, Sendable {
    struct Field: Encodable, Sendable {
        let name: String
        let value: String
        /// Long or multi-line text is shown in a read-only box to copy from; the rest travels hidden.
        let shown: Bool
        let label: String
        let id: String
    }

    /// Where the form was posted: the same address again.
    let action: String
    let fields: [Field]
    /// The token the page's form sends, set when the page is made (`CSRFMiddleware` renews its cookie).
    var csrf = ""
    /// A secret value was typed and is not in `fields`.
    let leftOutSecrets: Bool
    /// Whether sending it again can work: not to a server that was deleted meanwhile (its text is there to copy).
    var resendable = true
    /// The page's script kept the edits in the browser and offers them back on the form's page (the wizard's review
    /// step): sign-in and back there is the better way.
    var keptInBrowser = false

    /// What a form sent after its session ended is answered with when it carries text (`SignInRequired`); a form
    /// without any still goes to sign-in and back to its page.
    static let signedOutMessage = "Nothing was sent: you were signed out while this form was open. What you typed is below. "
        + "Sign in in a new tab, then come back to this page and send it again."

    /// Sent by `wizard-review.js` when it kept the form's edits in the browser.
    static let keptInBrowserField = "kept_in_browser"

    /// Text that takes more than a moment to type again.
    var hasText: Bool { !keptInBrowser && fields.contains(where: \.shown) }

    /// The form in this request when it can be shown back; nil for a form another site could have made, a
    /// `fetch` or script, or a body that is not a form.
    static func from(_ request: Request) -> UnsentForm? {
        guard request.method == .POST, request.headers.contentType == .urlEncodedForm,
              request.headers.bearerAuthorization == nil, request.isFromThisSite,
              let action = request.ownPage(), let body = request.body.string else { return nil }
        var fields: [Field] = []
        var leftOut = false
        for (name, value) in FormBody.pairs(body) where name != CSRFMiddleware.formField {
            if isSecret(name) {
                leftOut = leftOut || !value.isEmpty
                continue
            }
            let shown = value.contains(where: \.isNewline) || value.count > 80
            fields.append(Field(name: name, value: value, shown: shown, label: label(name), id: "unsent-\(fields.count)"))
        }
        let kept = fields.contains { $0.name == Self.keptInBrowserField && $0.value == "1" }
        return UnsentForm(action: action, fields: fields, leftOutSecrets: leftOut, keptInBrowser: kept)
    }

    /// A secret's value as the forms name it: a server's secret (`value`), a wizard row's (`secret_0_value`), a
    /// fork's (`secret_GITHUB_TOKEN`, where a wizard row's other fields are `secret_0_key` and so on), a sign-in
    /// link's or an email change's one-time `token`, a texted `code`. Sealed values (`secret_0_sealed`,
    /// `sealed_KEY`) are ciphertext and stay.
    static func isSecret(_ name: String) -> Bool {
        if ["value", "token", "code"].contains(name) || name.hasSuffix("_value") { return true }
        guard name.hasPrefix("secret_"), name != "secret_count" else { return false }
        let parts = name.dropFirst("secret_".count).split(separator: "_", maxSplits: 1)
        let isWizardRow = parts.count == 2 && parts[0].allSatisfy(\.isASCIIDigit)
            && ["key", "description", "url", "sealed", "remove"].contains(String(parts[1]))
        return !isWizardRow
    }

    /// `tool_0_schema` → "Tool 0 schema".
    static func label(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension Request {
    /// Sent by a page of this site: the browser's `Origin`, or its `Referer` where no `Origin` was sent.
    var isFromThisSite: Bool {
        if let origin = headers.first(name: .origin) { return accounts.origins.allowsOrigin(origin) }
        return formPage() != nil
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
