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
        guard let stat = ProcFS.read("/proc/\(pid)/stat") else { return nil }
        // Fields after the command name (which may contain spaces and parentheses) start at the last ')'.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // rest[0] is field 3 (state); start time is field 22.
        guard rest.count > 19 else { return nil }
        if rest[0].first == UInt8(ascii: "Z") || rest[0].first == UInt8(ascii: "X") { return nil }
        return UInt64(String(decoding: rest[19], as: UTF8.self))
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
enum ProcFS {
    /// The whole content of a (small, virtual) file, or `nil` if it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}

@inline(__always)
func Glibc_read(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buf, count)
    #else
    return Darwin.read(fd, buf, count)
    #endif
}
