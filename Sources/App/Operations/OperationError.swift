/// A command that cannot do what it was asked, with the sentence the operator reads.
struct OperationError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
