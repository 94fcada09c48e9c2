/// A content file that could not be used, with where and why. The live server
/// logs these and keeps serving the rest; `bmm export` refuses to write a site
/// with a broken page in it.
struct ContentProblem: Error, CustomStringConvertible, Sendable, Equatable {
    let file: String
    let line: Int
    let message: String

    var description: String { "\(file):\(line): \(message)" }
}
