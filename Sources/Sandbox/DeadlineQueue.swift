/// Call ids with the time each gives up, oldest first: appended in deadline order, taken
/// from the front (which moves nothing until enough has been taken to be worth compacting).
struct DeadlineQueue {
    private var entries: [(id: Int, at: ContinuousClock.Instant)] = []
    private var head = 0

    var first: (id: Int, at: ContinuousClock.Instant)? { head < entries.count ? entries[head] : nil }

    mutating func append(id: Int, at deadline: ContinuousClock.Instant) {
        entries.append((id, deadline))
    }

    mutating func removeFirst() {
        head += 1
        if head >= 64 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        entries.removeAll()
        head = 0
    }
}
