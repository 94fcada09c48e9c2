import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock` on `<database>.lock` beside the SQLite file. `serve` and `worker`
/// hold it shared for as long as they run; `restore` needs it exclusively, so it cannot
/// replace a file an app has open, and an app cannot start in the middle of a restore.
/// The kernel releases it when the process ends, even by kill -9.
final class DatabaseFileLock: Sendable {
    enum Mode {
        case shared, exclusive
    }

    let path: String
    private let descriptor: Int32

    /// Takes the lock without waiting; nil when another process holds it in a conflicting mode.
    init?(databasePath: String, mode: Mode) throws {
        path = databasePath + ".lock"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OperationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            if failure == EWOULDBLOCK { return nil }
            throw OperationError("cannot lock \(path): \(String(cString: strerror(failure)))")
        }
    }

    deinit {
        close(descriptor)
    }
}
