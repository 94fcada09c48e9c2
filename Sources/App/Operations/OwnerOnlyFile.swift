import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The SQLite database and its copies hold every account's addresses, the audit log and the sealed server
/// secrets: readable by the app's own user only (0600), like the lock file and the development keys. Not
/// left to the umask, which commonly lets every local account read a new file, the sandbox workers' own
/// user among them. SQLite gives the `-wal` and `-shm` files it creates the database file's mode.
enum OwnerOnlyFile {
    static let mode: mode_t = 0o600

    /// Narrows the database, its log and shared-memory file to the owner where they exist: a database made
    /// before this rule, or one SQLite has just created (with the umask's mode, before anything is written to it).
    /// The file is not made here when missing: `bmm restore` into a new data folder must find none.
    static func narrowDatabase(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] {
            try narrow(file)
        }
    }

    /// An empty owner-only file at `path`, unless one is already there.
    static func create(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw OperationError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Takes away group and other access from an existing file; a missing one is left missing.
    static func narrow(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        guard status.st_mode & 0o077 != 0 else { return }
        guard chmod(path, status.st_mode & 0o700) == 0 else {
            throw OperationError("cannot make \(path) readable by its owner only: \(String(cString: strerror(errno)))")
        }
    }
}
