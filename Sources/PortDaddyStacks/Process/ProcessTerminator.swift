#if canImport(Glibc)
    import Glibc
    import PortDaddyCore
    import PortDaddyStackConfig
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stops a whole process tree: the service's process group plus any descendant that left the group (a
/// daemonizing dev server, a `setsid` helper), so no grandchild outlives its service.
public enum ProcessTerminator {
    /// SIGTERM to the group and the known stragglers, then SIGKILL to whatever is still alive after `grace`.
    /// Returns once nothing of the tree is alive (or after one more second past the SIGKILL).
    public static func terminate(group: Int32, stragglers: [ProcessEntry], grace: Duration) async {
        let table = ProcessTable.snapshot()
        // Descendants seen now, before the parents die and their children are re-parented away from the tree.
        var known = stragglers
        for member in table.members(ofGroup: group, session: nil, since: nil) {
            known += table.descendants(of: member.pid)
        }
        signal(group: group, known: known, SIGTERM)
        if await waitUntilGone(group: group, known: known, within: grace) { return }
        signal(group: group, known: known, SIGKILL)
        _ = await waitUntilGone(group: group, known: known, within: .seconds(1))
    }

    /// Whether anything of the tree is alive.
    public static func isAlive(group: Int32, known: [ProcessEntry]) -> Bool {
        #if os(Linux)
            let table = ProcessTable.snapshot()
            if !table.members(ofGroup: group, session: nil, since: nil).isEmpty { return true }
            let live = Dictionary(table.entries.filter { !$0.zombie }.map { ($0.pid, $0.start) }, uniquingKeysWith: { a, _ in a })
            return known.contains { live[$0.pid] == $0.start }
        #else
            return kill(-group, 0) == 0
        #endif
    }

    static func signal(group: Int32, known: [ProcessEntry], _ sig: Int32) {
        _ = kill(-group, sig)
        let live = ProcessTable.snapshot().entries
        for entry in known where live.contains(where: { $0.pid == entry.pid && $0.start == entry.start && !$0.zombie }) {
            _ = kill(entry.pid, sig)
        }
    }

    static func waitUntilGone(group: Int32, known: [ProcessEntry], within limit: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var pause = Duration.milliseconds(10)
        while clock.now < deadline {
            if !isAlive(group: group, known: known) { return true }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(200))
        }
        return !isAlive(group: group, known: known)
    }
}

extension ProcessTerminator {
    /// The entries still running (same PID and start time, not a zombie).
    public static func alive(_ entries: [ProcessEntry]) -> [ProcessEntry] {
        let live = ProcessTable.snapshot().entries.filter { !$0.zombie }
        return entries.filter { entry in live.contains { $0.pid == entry.pid && $0.start == entry.start } }
    }

    /// Waits until none of `entries` runs, or `limit` passes.
    static func waitForMembers(_ entries: [ProcessEntry], within limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline && !alive(entries).isEmpty {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
