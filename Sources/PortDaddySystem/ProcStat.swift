#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One process's `/proc/<pid>/stat` (Linux): the one parser of it for the liveness prober, the stack supervisor's
/// process table, the agent context and the tests.
public struct ProcStat: Sendable, Equatable {
    public var pid: Int32
    /// The state letter (`R`, `S`, `Z`, …).
    public var state: UInt8
    public var parent: Int32
    public var group: Int32
    public var session: Int32
    /// Start time in clock ticks since boot (field 22): with the PID, it names one process for good.
    public var startTicks: UInt64

    /// A zombie or dead process (exited, not reaped).
    public var isZombie: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }

    /// Reads and parses `/proc/<pid>/stat`; nil when the process is gone or this is not Linux.
    public static func read(_ pid: Int32) -> ProcStat? {
        guard pid > 0, let bytes = ProcFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(bytes, pid: pid)
    }

    /// Parses the content of a stat file. The command name may hold spaces and parentheses, so the fields are
    /// counted from the last `)`.
    public static func parse(_ bytes: [UInt8], pid: Int32) -> ProcStat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard rest.count > 19 else { return nil }
        func field(_ i: Int) -> Int64? { Int64(String(decoding: rest[i], as: UTF8.self)) }
        guard let parent = field(1), let group = field(2), let session = field(3),
            let start = UInt64(String(decoding: rest[19], as: UTF8.self))
        else { return nil }
        return ProcStat(
            pid: pid, state: rest[0].first ?? 0, parent: Int32(parent), group: Int32(group), session: Int32(session), startTicks: start)
    }
}

/// Small virtual files (`/proc`) read whole, without Foundation.
public enum ProcFile {
    /// The whole content of the file, or nil if it cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.read(fd, buffer, count)
        #else
            return Darwin.read(fd, buffer, count)
        #endif
    }
}
