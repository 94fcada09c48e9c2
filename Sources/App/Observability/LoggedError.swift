import Logging
import PostgresNIO

/// What a log line may say about an unexpected error. PostgreSQL's own descriptions
/// carry the query's bound values and the server's `detail`, which quotes row values
/// (`Key (email)=(…) already exists`): a prompt, an address or a token hash would end
/// up in the log. Their code, SQL state and primary message are enough to find the cause.
enum LoggedError {
    static func description(_ error: any Error) -> String {
        switch error {
        case let postgres as PSQLError:
            var parts = ["code: \(postgres.code)"]
            if let state = postgres.serverInfo?[.sqlState] { parts.append("sqlState: \(state)") }
            if let message = postgres.serverInfo?[.message] { parts.append("message: \(message)") }
            if let underlying = postgres.underlying { parts.append("underlying: \(description(underlying))") }
            return "PSQLError(\(parts.joined(separator: ", ")))"
        case let decoding as PostgresDecodingError:
            return "PostgresDecodingError(code: \(decoding.code), column: \(decoding.columnName))"
        default:
            return String(reflecting: error)
        }
    }
}

extension Logger {
    /// Vapor's `report(error:)` logs `String(reflecting:)`; this logs `LoggedError`'s description.
    func reportSafely(_ error: any Error) {
        warning("\(LoggedError.description(error))")
    }
}
