@testable import App
import Crypto
import Foundation
import Testing

@Suite("A secret typed into a form comes back sealed: only for the same person and form, for an hour")
struct FormSecretCarryTests {
    let box = SecretBox(current: SymmetricKey(size: .bits256))
    let person = UUID()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func carry(user: UUID? = nil, form: FormSecretCarry.Form = .wizard, at date: Date? = nil) -> FormSecretCarry {
        FormSecretCarry(box: box, user: user ?? person, form: form, now: date ?? start)
    }

    @Test("sealed, the value is not in the envelope; the same person's form opens it; a typed value wins")
    func roundTrip() throws {
        let sealed = try #require(carry().seal("typed-in-the-form"))
        #expect(!sealed.contains("typed-in-the-form"))
        #expect(carry().open(sealed) == "typed-in-the-form")
        #expect(carry().value(typed: "", sealed: sealed) == "typed-in-the-form")
        #expect(carry().value(typed: nil, sealed: sealed) == "typed-in-the-form")
        #expect(carry().value(typed: "typed-again", sealed: sealed) == "typed-again")
        #expect(carry().seal("") == nil, "nothing typed, nothing carried")
        #expect(carry().seal("typed-in-the-form") != sealed, "a fresh nonce each time")
    }

    @Test("another person, another form, an hour later, a changed byte or another key: an empty field")
    func refused() throws {
        let sealed = try #require(carry().seal("typed-in-the-form"))
        #expect(carry(user: UUID()).open(sealed) == nil)
        #expect(carry(form: .fork).open(sealed) == nil)
        #expect(carry(at: start.addingTimeInterval(FormSecretCarry.lifetime - 1)).open(sealed) == "typed-in-the-form")
        #expect(carry(at: start.addingTimeInterval(FormSecretCarry.lifetime + 2)).open(sealed) == nil)
        var bytes = Array(sealed)
        bytes[bytes.count - 10] = bytes[bytes.count - 10] == "A" ? "B" : "A"  // inside the ciphertext, never padding
        #expect(carry().open(String(bytes)) == nil)
        let other = FormSecretCarry(box: SecretBox(current: SymmetricKey(size: .bits256)), user: person, form: .wizard, now: start)
        #expect(other.open(sealed) == nil)
        #expect(carry().value(typed: "", sealed: "not an envelope") == "")
        // and a stored secret's envelope never opens as a form's, nor the other way round
        let stored = try box.seal("typed-in-the-form", for: .init(organization: person, server: person, key: "K"))
        #expect(carry().open(stored) == nil)
        #expect((try? box.open(sealed, for: .init(organization: person, server: person, key: "K"))) == nil)
    }
}
