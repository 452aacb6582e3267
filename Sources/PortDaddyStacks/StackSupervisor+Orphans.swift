import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StackSupervisor {
    /// Stops the processes a previous daemon started and never saw end (it was killed): each recorded leader
    /// still running with the same start time has its whole group stopped; when the leader is gone, the group
    /// members that started after it in the same session are stopped. Their port claims are released.
    /// Returns the identities whose orphans were found.
    public func reapOrphans() async -> [String] {
        guard let recorded = try? store.recordedProcesses(), !recorded.isEmpty else { return [] }
        let table = ProcessTable.snapshot()
        var found: [(RecordedProcess, leaderAlive: Bool, members: [ProcessEntry])] = []
        for process in recorded {
            let leaderAlive = processes.startTime(of: process.pid) == process.pidStart
            let members = table.members(ofGroup: process.pid, session: process.session, since: process.pidStart)
            if leaderAlive || !members.isEmpty { found.append((process, leaderAlive, members)) }
        }
        // All at once: one grace period in total, however many orphans (the daemon binds its sockets after this).
        let grace = settings.stopGrace
        await withTaskGroup(of: Void.self) { group in
            for (process, leaderAlive, members) in found {
                group.addTask {
                    if leaderAlive {
                        await ProcessTerminator.terminate(group: process.pid, stragglers: members, grace: grace)
                    } else {
                        // The group id may have been reused: signal the verified members only, never the group.
                        for member in members { _ = kill(member.pid, SIGTERM) }
                        await ProcessTerminator.waitForMembers(members, within: grace)
                        for member in ProcessTerminator.alive(members) { _ = kill(member.pid, SIGKILL) }
                    }
                }
            }
        }
        for (process, _, _) in found {
            activity.record(.stackOrphan, subject: process.identity, detail: "stopped pid \(process.pid) left by a previous daemon")
        }
        for process in recorded {
            try? store.forgetProcess(identity: process.identity, pid: process.pid)
            _ = try? claims.releaseUnrecorded(process.identity)
        }
        return found.map(\.0.identity)
    }
}
