import Foundation
import Precompression
import Testing

@Suite("Pre-compressed files")
struct PrecompressionTests {
    /// Text like a page: repetitive markup around varied words, a few hundred KB.
    static let page: [UInt8] = {
        var text = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Docs</title></head><body>\n"
        for index in 0..<4000 {
            text += "<p class=\"line\">Line \(index): tools/call \(index * 7919 % 1013) — ünïcödé ✓</p>\n"
        }
        return Array((text + "</body></html>\n").utf8)
    }()

    static let inputs: [(String, [UInt8])] = [("a page", page), ("one byte", [0x41]), ("nothing", []), ("binary", (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })]

    @Test("gzip decompresses to exactly the input", arguments: inputs.indices)
    func gzipRoundTrip(_ index: Int) throws {
        // given
        let (name, input) = Self.inputs[index]
        // when
        let compressed = try input.withUnsafeBytes { try Precompression.gzip($0) }
        // then
        #expect(Array(compressed.prefix(2)) == [0x1f, 0x8b], "\(name): not a gzip member")
        #expect(try Precompression.gunzip(compressed) == input, "\(name)")
    }

    @Test("brotli decompresses to exactly the input", arguments: inputs.indices)
    func brotliRoundTrip(_ index: Int) throws {
        // given
        let (name, input) = Self.inputs[index]
        // when
        let compressed = try input.withUnsafeBytes { try Precompression.brotli($0) }
        // then
        #expect(try Precompression.unbrotli(compressed) == input, "\(name)")
    }

    @Test("text shrinks, brotli below gzip, and the same input gives the same bytes")
    func sizesAndDeterminism() throws {
        // when
        let gzip = try Self.page.withUnsafeBytes { try Precompression.gzip($0) }
        let brotli = try Self.page.withUnsafeBytes { try Precompression.brotli($0) }
        // then
        #expect(gzip.count < Self.page.count / 4)
        #expect(brotli.count < gzip.count)
        #expect(try Self.page.withUnsafeBytes { try Precompression.gzip($0) } == gzip)
        #expect(try Self.page.withUnsafeBytes { try Precompression.brotli($0) } == brotli)
    }
}
