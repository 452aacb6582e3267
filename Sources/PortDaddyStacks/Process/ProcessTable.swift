import PortDaddyCore
import PortDaddyStackConfig
import PortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One row of the OS process table.
public struct ProcessEntry: Sendable, Equatable {
    public var pid: Int32
    public var parent: Int32
    public var group: Int32
    public var session: Int32
    public var start: UInt64
    /// Zombies have exited and only wait to be reaped.
    public var zombie: Bool
}

/// A snapshot of the process table (Linux: `/proc`; elsewhere empty, so callers fall back to process groups).
public struct ProcessTable: Sendable {
    public var entries: [ProcessEntry]

    /// Reads the table now.
    public static func snapshot() -> ProcessTable {
        #if os(Linux)
            guard let dir = opendir("/proc") else { return ProcessTable(entries: []) }
            defer { closedir(dir) }
            var entries: [ProcessEntry] = []
            while let item = readdir(dir) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let pid = Int32(name), let entry = entry(pid) else { continue }
                entries.append(entry)
            }
            return ProcessTable(entries: entries)
        #else
            return ProcessTable(entries: [])
        #endif
    }

    /// Parses `/proc/<pid>/stat`.
    static func entry(_ pid: Int32) -> ProcessEntry? {
        guard let stat = ProcStat.read(pid) else { return nil }
        return ProcessEntry(
            pid: pid, parent: stat.parent, group: stat.group, session: stat.session, start: stat.startTicks, zombie: stat.isZombie)
    }

    /// Every live (non-zombie) descendant of `root`, children first.
    public func descendants(of root: Int32) -> [ProcessEntry] {
        var children: [Int32: [ProcessEntry]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry) }
        var result: [ProcessEntry] = []
        var queue = [root]
        var seen: Set<Int32> = [root]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where seen.insert(child.pid).inserted {
                if !child.zombie { result.append(child) }
                queue.append(child.pid)
            }
        }
        return result
    }

    /// Live members of process group `group` in session `session` that started no earlier than `since`.
    public func members(ofGroup group: Int32, session: Int32?, since: UInt64?) -> [ProcessEntry] {
        entries.filter { entry in
            entry.group == group && !entry.zombie && (session == nil || entry.session == session)
                && (since == nil || entry.start >= since!)
        }
    }
}
