#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads listening TCP sockets from Linux's `/proc/net/tcp{,6}` and finds their processes through `/proc/*/fd`.
public enum ProcNetTCP {
    /// One listening socket: its port and the inode that names it under `/proc/<pid>/fd`.
    public struct Listener: Sendable, Equatable {
        public var port: Int
        public var inode: UInt64
    }

    /// Every socket in the LISTEN state (state `0A`).
    public static func listeners() -> [Listener] {
        var result: [Listener] = []
        for path in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = ProcFile.read(path) else { continue }
            for line in bytes.split(separator: UInt8(ascii: "\n")).dropFirst() {
                let fields = line.split(separator: UInt8(ascii: " "))
                // sl local rem st tx:rx tr:tm retrnsmt uid timeout inode
                guard fields.count > 9 else { continue }
                guard fields[3].elementsEqual("0A".utf8) else { continue }
                let local = fields[1]
                guard let colon = local.lastIndex(of: UInt8(ascii: ":")) else { continue }
                let portHex = String(decoding: local[(colon + 1)...], as: UTF8.self)
                guard let port = Int(portHex, radix: 16),
                    let inode = UInt64(String(decoding: fields[9], as: UTF8.self))
                else { continue }
                result.append(Listener(port: port, inode: inode))
            }
        }
        return result
    }

    /// The first process that holds a socket with one of `inodes` open.
    public static func pid(owningAnyOf inodes: Set<UInt64>) -> Int32? {
        guard let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name) else { continue }
            if holds(pid: pid, anyOf: inodes) { return pid }
        }
        return nil
    }

    private static func holds(pid: Int32, anyOf inodes: Set<UInt64>) -> Bool {
        let fdDir = "/proc/\(pid)/fd"
        guard let dir = opendir(fdDir) else { return false }
        defer { closedir(dir) }
        var buffer = [CChar](repeating: 0, count: 64)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.first != "." else { continue }
            let n = readlink("\(fdDir)/\(name)", &buffer, buffer.count - 1)
            guard n > 8 else { continue }
            let target = buffer.prefix(n).map { UInt8(bitPattern: $0) }
            // "socket:[12345]"
            guard target.starts(with: "socket:[".utf8), target.last == UInt8(ascii: "]") else { continue }
            if let inode = UInt64(String(decoding: target.dropFirst(8).dropLast(), as: UTF8.self)), inodes.contains(inode) {
                return true
            }
        }
        return false
    }
}
