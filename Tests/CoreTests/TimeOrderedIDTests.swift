@testable import Core
import Foundation
import Testing

@Suite("Time-ordered ids (UUID version 7)")
struct TimeOrderedIDTests {
    @Test("the first 48 bits are the Unix time in milliseconds, then version 7 and the RFC 9562 variant")
    func layout() {
        // given a known instant
        let date = Date(timeIntervalSince1970: 1_764_720_000.123)

        // when an id is made for it
        let id = TimeOrderedID.make(at: date)

        // then its hex starts with the milliseconds and carries the version and variant bits
        let hex = id.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        #expect(hex.prefix(12) == String(format: "%012llx", UInt64(1_764_720_000_123)))
        #expect(Array(hex)[12] == "7")
        #expect(["8", "9", "a", "b"].contains(String(Array(hex)[16])))
    }

    @Test("ids made later sort after earlier ones, as strings and as bytes")
    func ordered() {
        // given ids two milliseconds apart (one apart, binary fractions may land two in one millisecond)
        let start = Date(timeIntervalSince1970: 1_764_720_000)
        let ids = (0..<500).map { TimeOrderedID.make(at: start.addingTimeInterval(Double($0) * 0.002)) }

        // then their order is the order of their times
        let strings = ids.map(\.uuidString)
        #expect(strings == strings.sorted(), "out of order as strings")
        let bytes = ids.map { withUnsafeBytes(of: $0.uuid) { Array($0) } }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) }, "out of order as bytes")
    }

    @Test("ids made in the same millisecond differ")
    func unique() {
        let now = Date()
        let ids = Set((0..<10_000).map { _ in TimeOrderedID.make(at: now) })
        #expect(ids.count == 10_000)
    }
}
