import Core
import Vapor

/// How large a request that carries a whole server spec may be: the API's create and draft-edit calls and the
/// wizard's review form. Every other route keeps the 64 KB default. The spec's own limits allow far more than
/// 64 KB (50 tools of up to 64 KiB of code each), and a form percent-encodes code to several times its size,
/// so a server of ten tools of ordinary length was refused with a bare 413 before its spec was ever read.
/// A spec larger than this is refused as too large; within it, the validator names what is over its limit.
enum SpecBodyLimit {
    static let size: ByteCount = "1mb"
}
