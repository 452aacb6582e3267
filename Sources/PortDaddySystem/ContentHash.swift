import Crypto
import Foundation

/// SHA-256 of file contents as lowercase hex: the content hash of file claims and snapshots (the CLI hashes what
/// it read; the daemon's snapshot watcher hashes what it read of trusted claims).
public enum ContentHash {
    /// The hash of `bytes`.
    public static func of(_ bytes: some DataProtocol) -> String { hex(SHA256.hash(data: bytes)) }

    /// The hash of the regular file at `path`, read in 64 KiB chunks; nil when it is not a readable regular file.
    public static func ofFile(atPath path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            // nil or empty: the end of the file; a thrown error: unreadable.
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 64 * 1024) } catch { return nil }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
