import CBrotli
import CZlib
import Foundation

/// gzip and Brotli in one call each: for the export, which compresses a file once as hard as
/// the formats allow for static hosts that serve a `.gz` or `.br` sibling as is (nginx's
/// `gzip_static` and `brotli_static`), and for the app's gzip of text answers. The output is
/// the same for the same input (a gzip header without a name or time), so an unchanged
/// file re-exports to unchanged siblings.
public enum Precompression {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// gzip (zlib) at `level`, 9 unless a caller compressing per request trades size for time.
    public static func gzip(_ input: UnsafeRawBufferPointer, level: Int32 = 9) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start a gzip stream")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = output.withUnsafeMutableBytes { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else { throw Failure(description: "zlib could not finish a gzip stream (\(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Brotli at `quality` (11, the format's best, unless a caller trades size for time), in
    /// text mode with the default 4 MB window.
    public static func brotli(_ input: UnsafeRawBufferPointer, quality: Int32 = 11) throws -> [UInt8] {
        var size = BrotliEncoderMaxCompressedSize(input.count)
        // Zero means the input is too large for one call, far beyond any page.
        guard size > 0 else { throw Failure(description: "brotli cannot compress \(input.count) bytes in one call") }
        var output = [UInt8](repeating: 0, count: size)
        let done = output.withUnsafeMutableBufferPointer { out in
            BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, input.count, input.baseAddress?.assumingMemoryBound(to: UInt8.self), &size, out.baseAddress)
        }
        guard done == BROTLI_TRUE else { throw Failure(description: "brotli could not compress \(input.count) bytes") }
        output.removeLast(output.count - size)
        return output
    }

    /// The bytes a `.gz` file holds, for checking one (the export's tests read every sibling back).
    public static func gunzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start reading a gzip stream")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var source = input
        var status: Int32 = Z_OK
        source.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                output += chunk[..<produced]
            } while status == Z_OK
        }
        guard status == Z_STREAM_END, stream.avail_in == 0 else { throw Failure(description: "not one whole gzip stream (\(status))") }
        return output
    }

    /// The bytes a `.br` file holds, for checking one; `limit` bounds the output.
    public static func unbrotli(_ input: [UInt8], limit: Int = 8 << 20) throws -> [UInt8] {
        var size = limit
        var output = [UInt8](repeating: 0, count: limit)
        let result = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                BrotliDecoderDecompress(source.count, source.baseAddress, &size, out.baseAddress)
            }
        }
        guard result == BROTLI_DECODER_RESULT_SUCCESS else { throw Failure(description: "not a whole brotli stream") }
        return Array(output.prefix(size))
    }
}
