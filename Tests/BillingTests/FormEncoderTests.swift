import Billing
import Testing

@Suite("Stripe form encoding")
struct FormEncoderTests {
    @Test("nested hashes become a[b][c], lists are indexed, booleans are true/false, order is the caller's")
    func nesting() {
        // given parameters like a Checkout Session's
        let parameters: FormValue = [
            "mode": "subscription",
            "line_items": [["price": "price_1", "quantity": 1]],
            "automatic_tax": ["enabled": true],
            "allowed_payment_method_types": ["card", "sepa_debit"],
            "a": ["b": ["c": false]],
        ]
        // when it is encoded
        let encoded = FormEncoder.encode(parameters)
        // then every key is flattened the way Stripe reads it, in source order
        #expect(
            encoded
                == "mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=1"
                + "&automatic_tax[enabled]=true&allowed_payment_method_types[0]=card"
                + "&allowed_payment_method_types[1]=sepa_debit&a[b][c]=false"
        )
    }

    @Test(
        "values are percent-encoded as application/x-www-form-urlencoded",
        arguments: [
            ("a b", "a+b"),
            ("x&y=z", "x%26y%3Dz"),
            ("+41 79", "%2B41+79"),
            ("https://bmm.example/b?s={CHECKOUT_SESSION_ID}", "https%3A%2F%2Fbmm.example%2Fb%3Fs%3D%7BCHECKOUT_SESSION_ID%7D"),
            ("Zürich ~*-._", "Z%C3%BCrich+%7E*-._"),
            ("[x]", "%5Bx%5D"),
        ]
    )
    func percentEncoding(raw: String, encoded: String) {
        #expect(FormEncoder.encode([("v", .string(raw))]) == "v=" + encoded)
    }

    @Test("keys are encoded too, brackets excepted")
    func keys() {
        #expect(FormEncoder.encode([("metadata", ["work space&": "1"])]) == "metadata[work+space%26]=1")
    }

    @Test("the same parameters always encode to the same bytes")
    func deterministic() {
        // given two hashes with the same pairs written in the same order
        let first: FormValue = ["z": "1", "a": ["y": "2", "b": "3"], "m": [1, 2]]
        let second: FormValue = ["z": "1", "a": ["y": "2", "b": "3"], "m": [1, 2]]
        // then they encode identically, and keep the order they were written in (not sorted, not hashed)
        #expect(FormEncoder.encode(first) == FormEncoder.encode(second))
        #expect(FormEncoder.encode(first) == "z=1&a[y]=2&a[b]=3&m[0]=1&m[1]=2")
    }

    @Test("pairs are flattened before encoding; empty lists and hashes send nothing")
    func pairs() {
        let pairs = FormEncoder.pairs([("items", [["id": "si_1", "price": "price_2"]]), ("none", []), ("empty", [:])])
        #expect(pairs.map(\.0) == ["items[0][id]", "items[0][price]"])
        #expect(pairs.map(\.1) == ["si_1", "price_2"])
    }
}
