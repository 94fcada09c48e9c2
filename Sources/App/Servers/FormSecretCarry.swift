import Foundation
import Vapor

/// A secret value typed into a form that comes back with an error (a slug taken, a field to
/// fix, a row added without JavaScript). The page carries it sealed in a hidden field, not in
/// clear text: nothing typed is lost, and no response ever holds a secret value (SECURITY.md 31),
/// whatever caches, extensions or screenshots see of it.
///
/// An envelope opens only for the person it was sealed for, on the form it was sealed for, for
/// an hour; anything else (tampered, stale, another person's) reads as an empty field.
struct FormSecretCarry: Sendable {
    enum Form: String, Sendable {
        case wizard, fork
    }

    static let lifetime: TimeInterval = 60 * 60

    let box: SecretBox
    let user: UUID
    let form: Form
    let now: Date

    /// The hidden field's value for `value`; nil for an empty one.
    func seal(_ value: String) -> String? {
        guard !value.isEmpty else { return nil }
        let expires = Int((now.timeIntervalSince1970 + Self.lifetime).rounded(.up))
        return try? box.seal("\(expires)|\(value)", authenticating: associatedData)
    }

    func open(_ sealed: String?) -> String? {
        guard let sealed, !sealed.isEmpty, let plain = try? box.open(sealed, authenticating: associatedData),
              let bar = plain.firstIndex(of: "|"), let expires = Int(plain[..<bar]),
              TimeInterval(expires) >= now.timeIntervalSince1970 else { return nil }
        return String(plain[plain.index(after: bar)...])
    }

    /// What the form holds for one secret: a value typed now wins; an empty field keeps the carried one.
    func value(typed: String?, sealed: String?) -> String {
        if let typed, !typed.isEmpty { return typed }
        return open(sealed) ?? ""
    }

    private var associatedData: Data {
        Data("bmm-form-secret|form=\(form.rawValue)|user=\(user.uuidString.lowercased())".utf8)
    }
}

extension Request {
    func formSecretCarry(_ current: CurrentUser, _ form: FormSecretCarry.Form) -> FormSecretCarry {
        FormSecretCarry(box: application.secretBox, user: current.user.id!, form: form, now: application.clock.now())
    }
}
