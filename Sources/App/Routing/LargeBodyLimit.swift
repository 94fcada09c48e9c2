import Core
import Vapor

/// How large a request that carries a whole server spec or a long text may be: the API's create, draft-edit and
/// template calls, and the forms of the wizard, the spec editor, Iterate, publishing and a listing's edit page.
/// Every other route keeps the 64 KB default. The spec's own limits allow far more than 64 KB (50 tools of up to
/// 64 KiB of code each), a listing's description is 20,000 characters, and a form percent-encodes a character
/// outside ASCII to up to 12 bytes: a server of ten tools of ordinary length, or a description in Cyrillic, was
/// refused with a bare 413 before it was ever read. A body larger than this is refused as too large, naming the
/// limit; within it, the validators name what is over its own limit.
enum LargeBodyLimit {
    static let size: ByteCount = "1mb"
}
