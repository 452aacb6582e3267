import PortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells whether a process exists, identified by PID and start time.
public protocol ProcessProber: Sendable {
    /// The start time of a running process as the OS reports it, or `nil` when no such process runs
    /// (zombies count as gone).
    func startTime(of pid: Int32) -> UInt64?
}

extension ProcessProber {
    /// Whether `pid` runs and is the same process that had `start` when it was recorded.
    public func isAlive(pid: Int32?, start: UInt64?) -> Bool {
        guard let pid, let start else { return false }
        return startTime(of: pid) == start
    }
}

/// Reads process start times from the OS: `/proc/<pid>/stat` on Linux, `sysctl(KERN_PROC_PID)` on macOS.
public struct SystemProcessProber: ProcessProber {
    public init() {}

    public func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0 else { return nil }
        #if os(Linux)
            guard let stat = ProcStat.read(pid), !stat.isZombie else { return nil }
            return stat.startTicks
        #elseif canImport(Darwin)
            var info = kinfo_proc()
            var size = MemoryLayout<kinfo_proc>.stride
            var mib: [Int32] = [CTL_KERN, KERN_PROC, KERN_PROC_PID, pid]
            guard sysctl(&mib, 4, &info, &size, nil, 0) == 0, size > 0 else { return nil }
            if info.kp_proc.p_stat == SZOMB { return nil }
            let tv = info.kp_proc.p_un.__p_starttime
            return UInt64(tv.tv_sec) * 1_000_000 + UInt64(tv.tv_usec)
        #else
            return kill(pid, 0) == 0 ? 1 : nil
        #endif
    }
}

/// Small helpers to read procfs files without Foundation.
