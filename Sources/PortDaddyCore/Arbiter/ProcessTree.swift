import Foundation

/// Parent links between processes, from `/proc/<pid>/stat` (Linux). Where they cannot be read every process counts
/// as related, so the PID check never warns on a guess.
public enum ProcessTree {
    /// The parent of `pid`, or nil when it cannot be read.
    public static func parent(of pid: Int32) -> Int32? {
        // /proc files report a size of 0: read to the end rather than by size.
        guard let file = FileHandle(forReadingAtPath: "/proc/\(pid)/stat") else { return nil }
        defer { try? file.close() }
        guard let data = try? file.readToEnd() else { return nil }
        let stat = String(decoding: data, as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": the state, then the parent's PID.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// `pid`'s ancestors, nearest first (at most 64, stopping at PID 1).
    public static func ancestors(of pid: Int32) -> [Int32] {
        var chain: [Int32] = []
        var current = pid
        while chain.count < 64, let parent = parent(of: current), parent > 0, parent != current {
            chain.append(parent)
            if parent == 1 { break }
            current = parent
        }
        return chain
    }

    /// Whether `named` is `caller`, one of its ancestors or one of its descendants; true when `/proc` cannot tell.
    public static func related(_ named: Int32, to caller: Int32) -> Bool {
        // The usual case first, in one read: a CLI names its own parent (the shell) as the owner.
        guard named != caller, let parent = parent(of: caller), parent != named, self.parent(of: named) != nil else { return true }
        return ancestors(of: caller).contains(named) || ancestors(of: named).contains(caller)
    }
}
