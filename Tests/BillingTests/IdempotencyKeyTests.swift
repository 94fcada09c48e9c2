import Billing
import Testing

@Suite("Idempotency keys")
struct IdempotencyKeyTests {
    @Test("the same operation, inputs and attempt give the same key; any difference gives another")
    func derivation() {
        // given one checkout's inputs
        let key = IdempotencyKey(operation: "checkout", inputs: ["ws_1", "pro", "month"], attempt: "a1")
        // then it is stable and every part matters
        #expect(key == IdempotencyKey(operation: "checkout", inputs: ["ws_1", "pro", "month"], attempt: "a1"))
        #expect(key != IdempotencyKey(operation: "checkout", inputs: ["ws_1", "pro", "year"], attempt: "a1"))
        #expect(key != IdempotencyKey(operation: "checkout", inputs: ["ws_1", "pro", "month"], attempt: "a2"))
        #expect(key != IdempotencyKey(operation: "portal", inputs: ["ws_1", "pro", "month"], attempt: "a1"))
    }

    @Test("parts cannot run into each other")
    func boundaries() {
        #expect(
            IdempotencyKey(operation: "op", inputs: ["ab", "c"], attempt: "")
                != IdempotencyKey(operation: "op", inputs: ["a", "bc"], attempt: ""))
    }

    @Test("a key is short, printable and fits Stripe's 255 characters")
    func shape() {
        let key = IdempotencyKey(operation: "op", inputs: [String(repeating: "x", count: 10_000)], attempt: "é")
        #expect(key.value.hasPrefix("bmm_"))
        #expect(key.value.count == 4 + 64)
        #expect(key.value.utf8.allSatisfy { (0x21...0x7E).contains($0) })
    }
}
