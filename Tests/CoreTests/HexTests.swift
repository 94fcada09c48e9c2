@testable import Core
import Testing

@Suite("Hexadecimal text")
struct HexTests {
    @Test("bytes become two lowercase digits each, and come back")
    func roundTrip() {
        // given every byte value
        let bytes = (0...255).map { UInt8($0) }

        // when encoded
        let text = Hex.encode(bytes)

        // then each is what %02x prints, and decoding gives the bytes back
        #expect(text == bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
        #expect(Hex.decode(text) == bytes)
        #expect(Hex.encode([]) == "")
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
