/// Calls waiting for a worker: a FIFO per server, the servers of a workspace in a
/// rotation, the workspaces in a rotation. Each turn serves the next workspace's next
/// server's oldest call, so a workspace (or a server) that queued hundreds of calls gets
/// one turn per round like one that queued a single call.
///
/// Within the workspace whose turn it is, a taker may prefer one of the next few servers
/// (`popNext(lookahead:maxPasses:preferring:)`): a worker that already holds a server's realm
/// serves that server's call first. The server passed over keeps its place at the front and
/// is served at the latest after `maxPasses` such turns; other workspaces' turns never move.
struct FairQueue<Element> {
    /// One server's calls, oldest first.
    private typealias Line = FrontQueue<(id: Int, element: Element)>

    private struct Workspace {
        var servers: [String] = []
        var lines: [String: Line] = [:]
        /// Turns in a row in which the first server was passed over for a preferred one.
        var passes = 0
    }

    private var rotation: [String] = []
    private var workspaces: [String: Workspace] = [:]
    private var location: [Int: (workspace: String, server: String)] = [:]

    var count: Int { location.count }
    var isEmpty: Bool { location.isEmpty }

    func contains(id: Int) -> Bool { location[id] != nil }

    mutating func append(_ element: Element, id: Int, workspace: String, server: String) {
        // Taken out and put back, so the arrays inside are not copied to be changed.
        var lane = workspaces.removeValue(forKey: workspace) ?? Workspace()
        if lane.servers.isEmpty { rotation.append(workspace) }
        var line = lane.lines.removeValue(forKey: server) ?? Line()
        if line.isEmpty { lane.servers.append(server) }
        line.append((id, element))
        lane.lines[server] = line
        workspaces[workspace] = lane
        location[id] = (workspace, server)
    }

    /// The element whose turn is next, without taking it.
    var next: Element? {
        guard let workspace = rotation.first, let lane = workspaces[workspace], let server = lane.servers.first,
              let oldest = lane.lines[server]?.first else { return nil }
        return oldest.element
    }

    /// Takes the element whose turn it is; its server and workspace go to the back of
    /// their rotations.
    mutating func popNext() -> Element? {
        popNext(lookahead: 1, maxPasses: 0) { _ in false }
    }

    /// Takes, in the workspace whose turn it is, the oldest call of the first of its next
    /// `lookahead` servers whose oldest call is `preferred`, or of its first server if none is
    /// or that server was already passed over `maxPasses` times in a row.
    mutating func popNext(lookahead: Int, maxPasses: Int, preferring preferred: (Element) -> Bool) -> Element? {
        guard let workspace = rotation.first, var lane = workspaces.removeValue(forKey: workspace) else { return nil }
        rotation.removeFirst()
        var pick = 0
        if lane.passes < maxPasses, let first = lane.servers.first, !preferred(lane.lines[first]!.first!.element) {
            pick = lane.servers.prefix(lookahead).dropFirst().firstIndex { preferred(lane.lines[$0]!.first!.element) } ?? 0
        }
        lane.passes = pick == 0 ? 0 : lane.passes + 1
        let server = lane.servers.remove(at: pick)
        var line = lane.lines.removeValue(forKey: server)!
        let (id, element) = line.removeFirst()
        location[id] = nil
        if !line.isEmpty {
            lane.lines[server] = line
            lane.servers.append(server)
        }
        if !lane.servers.isEmpty {
            workspaces[workspace] = lane
            rotation.append(workspace)
        }
        return element
    }

    /// Takes the element with `id` out of the queue wherever it waits (a cancelled or
    /// expired call); nil if it is no longer queued.
    mutating func remove(id: Int) -> Element? {
        guard let (workspace, server) = location.removeValue(forKey: id), var lane = workspaces.removeValue(forKey: workspace) else { return nil }
        var line = lane.lines.removeValue(forKey: server)!
        let element = line.removeFirst { $0.id == id }!.element
        if line.isEmpty {
            lane.servers.removeAll { $0 == server }
        } else {
            lane.lines[server] = line
        }
        if lane.servers.isEmpty {
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
