import Foundation
import PortDaddySystem

/// Finds processes by a variable in their environment (`/proc/<pid>/environ`), which every descendant of a
/// stack inherits, however it was started (even after `setsid`). Linux only.
public enum MarkedProcesses {
    /// Live (non-zombie) PIDs whose environment holds `name=value`.
    public static func pids(_ name: String, _ value: String) -> [Int32] {
        let needle = Array("\(name)=\(value)".utf8)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = ProcStat.read(pid), !stat.isZombie,
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { return false }
            return data.split(separator: 0).contains { Array($0) == needle }
        }.sorted()
    }

    /// SIGKILLs every marked process (test cleanup).
    public static func killAll(_ name: String, _ value: String) {
        for pid in pids(name, value) { kill(pid, SIGKILL) }
    }
}
