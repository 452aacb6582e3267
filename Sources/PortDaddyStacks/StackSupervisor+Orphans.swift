import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig

extension StackSupervisor {
    /// Stops the service processes a previous daemon started and never saw end (it was killed) and releases their
    /// port claims. Returns the identities whose orphans were found.
    public func reapOrphans() async -> [String] {
        guard let recorded = try? store.recordedProcesses(kind: .stack), !recorded.isEmpty else { return [] }
        // The daemon binds its sockets after this.
        let found = await OrphanStopper.stop(recorded, grace: settings.stopGrace, prober: processes)
        for process in found {
            activity.record(.stackOrphan, subject: process.key, detail: "stopped pid \(process.pid) left by a previous daemon")
        }
        for process in recorded {
            try? store.forgetProcess(kind: .stack, key: process.key, pid: process.pid)
            _ = try? claims.releaseUnrecorded(process.key)
        }
        return found.map(\.key)
    }
}
