import Crypto
import Foundation

/// The master key's file: 32 random bytes, mode 0600. Written through a temporary file and `rename`, so a reader sees
/// the old key or the new one, never half of one. A rotation's new key waits in `<file>.next` until the database
/// holds the data keys wrapped under it (see ``TextVault/rotate(in:)``).
public struct MasterKeyFile: Sendable {
    public let path: String
    public var nextPath: String { path + ".next" }

    public init(path: String) { self.path = path }

    /// Why the file cannot be used.
    public enum Problem: Error, Equatable, Sendable {
        case unreadable(String)
    }

    /// The key in `path` (nil when no file is there).
    public func read() throws(Problem) -> SymmetricKey? { try Self.read(path) }

    /// The key waiting in `nextPath` (nil when none is).
    public func readNext() throws(Problem) -> SymmetricKey? { try Self.read(nextPath) }

    static func read(_ path: String) throws(Problem) -> SymmetricKey? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw .unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if st.st_uid != getuid() { throw .unreadable("\(path) belongs to uid \(st.st_uid), not to you") }
        if (st.st_mode & 0o077) != 0 {
            throw .unreadable("\(path) may be read by other users (mode \(String(st.st_mode & 0o777, radix: 8))); chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable("cannot read \(path)") }
        guard data.count == 32 else { throw .unreadable("\(path) holds \(data.count) bytes, not a 32-byte key") }
        return SymmetricKey(data: data)
    }

    /// Writes `key` to `nextPath` (0600, synced to disk).
    public func writeNext(_ key: SymmetricKey) throws(Problem) { try Self.write(key, to: nextPath) }

    /// Makes the waiting next key the key: `rename(next, path)`, then syncs the folder.
    public func promoteNext() throws(Problem) {
        guard rename(nextPath, path) == 0 else { throw .unreadable("cannot rename \(nextPath) to \(path): \(String(cString: strerror(errno)))") }
        Self.syncFolder(of: path)
    }

    /// Removes a waiting next key (a rotation that did not commit).
    public func discardNext() { unlink(nextPath) }

    /// Creates the key file with `key` (through `nextPath` and a rename, so no half-written key is ever in `path`).
    public func create(_ key: SymmetricKey) throws(Problem) {
        try writeNext(key)
        try promoteNext()
    }

    static func write(_ key: SymmetricKey, to path: String) throws(Problem) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unreadable("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = key.withUnsafeBytes { Array($0) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw .unreadable("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        syncFolder(of: path)
    }

    static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
