/// A first-in first-out line taken from the front without moving the rest: the front is an
/// index, and the array is compacted only once enough has been taken to be worth it. Holds a
/// server's waiting calls (`FairQueue`) and the waiting calls' deadlines (`SandboxPool`).
struct FrontQueue<Element> {
    private var entries: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == entries.count }
    var first: Element? { isEmpty ? nil : entries[head] }

    mutating func append(_ element: Element) {
        entries.append(element)
    }

    @discardableResult
    mutating func removeFirst() -> Element {
        let element = entries[head]
        head += 1
        if head >= 64 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Takes out the first element that matches, wherever it waits.
    mutating func removeFirst(where matches: (Element) -> Bool) -> Element? {
        guard let index = entries[head...].firstIndex(where: matches) else { return nil }
        return entries.remove(at: index)
    }

    mutating func removeAll() {
        entries.removeAll()
        head = 0
    }
}
