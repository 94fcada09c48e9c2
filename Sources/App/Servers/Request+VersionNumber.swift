import Vapor

extension Request {
    /// The `{version}` path parameter: versions count from 1, so anything else (not a number, zero, negative,
    /// `Int.min` whose predecessor would overflow) is a version that does not exist.
    func versionNumber() throws -> Int {
        guard let number = parameter(.version, as: Int.self), number >= 1 else {
            throw APIError(.notFound, "version_not_found", "There is no such version.")
        }
        return number
    }
}
