import PortDaddyCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stops processes a previous daemon started and never saw end (it was killed): each recorded leader still running
/// with the same start time has its whole group stopped; when the leader is gone, the group members that started
/// after it in the same session are stopped (the group id may have been reused, so never the group itself).
public enum OrphanStopper {
    /// Stops what is left of `recorded`, all at once (one grace period in total), and returns those that were found.
    public static func stop(_ recorded: [RecordedProcess], grace: Duration, prober: any ProcessProber) async -> [RecordedProcess] {
        guard !recorded.isEmpty else { return [] }
        let table = ProcessTable.snapshot()
        var found: [(RecordedProcess, leaderAlive: Bool, members: [ProcessEntry])] = []
        for process in recorded {
            let leaderAlive = prober.startTime(of: process.pid) == process.pidStart
            let members = table.members(ofGroup: process.pid, session: process.session, since: process.pidStart)
            if leaderAlive || !members.isEmpty { found.append((process, leaderAlive, members)) }
        }
        await withTaskGroup(of: Void.self) { group in
            for (process, leaderAlive, members) in found {
                group.addTask {
                    if leaderAlive {
                        await ProcessTerminator.terminate(group: process.pid, stragglers: members, grace: grace)
                    } else {
                        for member in members { _ = kill(member.pid, SIGTERM) }
                        await ProcessTerminator.waitForMembers(members, within: grace)
                        for member in ProcessTerminator.alive(members) { _ = kill(member.pid, SIGKILL) }
                    }
                }
            }
        }
        return found.map(\.0)
    }
}
