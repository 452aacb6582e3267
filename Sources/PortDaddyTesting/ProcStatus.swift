import Foundation
import PortDaddySystem

/// What `/proc/<pid>/status` says of a process's signal state (Linux).
public struct ProcStatus: Sendable, Equatable {
    /// Signals blocked by the process's main thread (`SigBlk`).
    public var blocked: UInt64
    /// Signals the process ignores (`SigIgn`).
    public var ignored: UInt64

    /// Reads the status of `pid`, or nil when it is gone.
    public static func read(_ pid: pid_t) -> ProcStatus? {
        guard let status = ProcStatusFile.read(pid), let blocked = status.mask("SigBlk"), let ignored = status.mask("SigIgn")
        else { return nil }
        return ProcStatus(blocked: blocked, ignored: ignored)
    }

    /// The PIDs whose parent is `pid`.
    public static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { ProcStat.read($0)?.parent == pid }
    }

    /// The command line of `pid` (arguments joined by spaces), or "" when it is gone.
    public static func commandLine(_ pid: pid_t) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
