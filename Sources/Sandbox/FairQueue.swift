/// Calls waiting for a worker: a FIFO per server, the servers of a workspace in a
/// rotation, the workspaces in a rotation. Each turn serves the next workspace's next
/// server's oldest call, so a workspace (or a server) that queued hundreds of calls gets
/// one turn per round like one that queued a single call.
struct FairQueue<Element> {
    private struct Workspace {
        var servers: [String] = []
        var queues: [String: [(id: Int, element: Element)]] = [:]
    }

    private var rotation: [String] = []
    private var workspaces: [String: Workspace] = [:]
    private var location: [Int: (workspace: String, server: String)] = [:]

    var count: Int { location.count }
    var isEmpty: Bool { location.isEmpty }

    mutating func append(_ element: Element, id: Int, workspace: String, server: String) {
        if workspaces[workspace] == nil {
            workspaces[workspace] = Workspace()
            rotation.append(workspace)
        }
        if workspaces[workspace]!.queues[server] == nil {
            workspaces[workspace]!.servers.append(server)
            workspaces[workspace]!.queues[server] = []
        }
        workspaces[workspace]!.queues[server]!.append((id, element))
        location[id] = (workspace, server)
    }

    /// The element whose turn is next, without taking it.
    var next: Element? {
        guard let workspace = rotation.first, let server = workspaces[workspace]?.servers.first else { return nil }
        return workspaces[workspace]?.queues[server]?.first?.element
    }

    /// Takes the element whose turn it is; its server and workspace go to the back of
    /// their rotations.
    mutating func popNext() -> Element? {
        guard let workspace = rotation.first, var lane = workspaces[workspace], let server = lane.servers.first,
              var queue = lane.queues[server], !queue.isEmpty else { return nil }
        let (id, element) = queue.removeFirst()
        location[id] = nil
        lane.servers.removeFirst()
        if queue.isEmpty {
            lane.queues[server] = nil
        } else {
            lane.queues[server] = queue
            lane.servers.append(server)
        }
        rotation.removeFirst()
        if lane.servers.isEmpty {
            workspaces[workspace] = nil
        } else {
            workspaces[workspace] = lane
            rotation.append(workspace)
        }
        return element
    }

    /// Takes the element with `id` out of the queue wherever it waits (a cancelled or
    /// expired call); nil if it is no longer queued.
    mutating func remove(id: Int) -> Element? {
        guard let (workspace, server) = location.removeValue(forKey: id), var lane = workspaces[workspace],
              var queue = lane.queues[server], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
        let element = queue.remove(at: index).element
        if queue.isEmpty {
            lane.queues[server] = nil
            lane.servers.removeAll { $0 == server }
        } else {
            lane.queues[server] = queue
        }
        if lane.servers.isEmpty {
            workspaces[workspace] = nil
            rotation.removeAll { $0 == workspace }
        } else {
            workspaces[workspace] = lane
        }
        return element
    }

    mutating func removeAll() -> [Element] {
        var taken: [Element] = []
        while let element = popNext() { taken.append(element) }
        return taken
    }
}
