import Foundation

/// UUIDs in time order (RFC 9562 version 7): 48 bits of Unix milliseconds, then random
/// bits. Rows that are only ever appended, like the call log, get ids that land at the
/// end of the primary-key index instead of on a random page of it: with random (version 4)
/// ids, every insert into a large log dirties a different index page, and the write-ahead
/// log, the checkpoints and the page cache grow with the table.
public enum TimeOrderedID {
    public static func make(at date: Date) -> UUID {
        var random = SystemRandomNumberGenerator()
        return make(at: date, using: &random)
    }

    public static func make(at date: Date, using random: inout some RandomNumberGenerator) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let high = random.next() as UInt64
        let low = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: high & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: high >> 8)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: low & 0x3F)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(index - 8))) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
