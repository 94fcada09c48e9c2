import Foundation

/// An ICO file holding one PNG image, which ICO allows since Windows Vista and every browser
/// reads: a 6-byte header, one 16-byte directory entry, then the PNG's bytes unchanged.
struct ICOFile {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    let bytes: [UInt8]

    /// `side` is the image's width and height in pixels, 1 to 256 (stored as 0 for 256).
    init(png: Data, side: Int) throws {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Invalid(description: "not a PNG file") }
        guard (1...256).contains(side) else { throw Invalid(description: "an ICO image is 1 to 256 pixels wide, not \(side)") }
        let headerAndEntry = 6 + 16
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerAndEntry + png.count)
        bytes += Self.littleEndian(0, width: 2) // reserved
        bytes += Self.littleEndian(1, width: 2) // type: icon
        bytes += Self.littleEndian(1, width: 2) // one image
        bytes += [UInt8(side % 256), UInt8(side % 256), 0, 0] // width, height, no palette, reserved
        bytes += Self.littleEndian(1, width: 2) // colour planes
        bytes += Self.littleEndian(32, width: 2) // bits per pixel
        bytes += Self.littleEndian(png.count, width: 4) // image size
        bytes += Self.littleEndian(headerAndEntry, width: 4) // image offset
        bytes += png
        self.bytes = bytes
    }

    private static func littleEndian(_ value: Int, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
