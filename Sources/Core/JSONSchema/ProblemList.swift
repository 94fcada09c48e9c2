/// Problems collected up to a limit. A hostile or broken document can produce thousands;
/// a person acts on the first few, and the rest only cost time and bandwidth.
struct ProblemList {
    private(set) var items: [SpecProblem] = []
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var isFull: Bool { items.count >= limit }

    mutating func add(_ path: String, _ message: String) {
        guard !isFull else { return }
        items.append(SpecProblem(path: path, message: message))
    }
}
