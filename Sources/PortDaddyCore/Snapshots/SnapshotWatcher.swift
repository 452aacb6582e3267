import Foundation
import PortDaddyAPI
import PortDaddySystem
import Synchronization

/// Watches the files of claims made with the user's authority (only those: otherwise any local TCP client could
/// claim `~/.ssh/id_ed25519` and have the daemon copy it) and keeps a snapshot of a file's bytes each time its
/// content changes during the claim.
///
/// One ``poll()`` per interval: for each watched claim, `stat` the file; when size, mtime or inode moved, read it
/// (up to three times, until two stats around the read agree, else the read is `torn`) and hash it. The first
/// read of a claim is its baseline (the bytes at claim time); a new hash stores the baseline as snapshot
/// `{before, after}` and the new bytes become the baseline. Files over ``maxFileBytes`` are not watched. Bytes
/// live in `<home>/snapshots/` (0700; files 0600); at most ``maxTotalBytes`` in all, least recently used evicted.
public final class SnapshotWatcher: Sendable {
    public static let maxFileBytes = 1 << 20
    public static let maxTotalBytes = 200 << 20
    /// Reads of one file before it counts as torn.
    static let readAttempts = 3

    let store: any SnapshotStore
    let coordination: CoordinationService
    let activity: ActivityLog?
    let clock: any WallClock
    let folder: String
    let maxTotalBytes: Int

    /// What the watcher knows of one claim (path and session).
    struct Watched {
        var signature: FileSignature?
        var hash: String?
    }
    let watched = Mutex<[String: Watched]>([:])

    public init(
        store: any SnapshotStore, coordination: CoordinationService, folder: String, activity: ActivityLog? = nil,
        clock: any WallClock = SystemWallClock(), maxTotalBytes: Int = SnapshotWatcher.maxTotalBytes
    ) {
        self.store = store
        self.coordination = coordination
        self.folder = folder
        self.activity = activity
        self.clock = clock
        self.maxTotalBytes = maxTotalBytes
    }

    /// One pass at a time (the poll, and claims that take their baseline at once).
    let pass = Mutex(())

    /// Takes the baseline of new trusted claims at once, so the bytes at claim time are kept even if the file
    /// changes before the next poll; returns any snapshots taken.
    @discardableResult
    public func watch(_ claims: [FileClaimInfo]) throws(PortDaddyError) -> [SnapshotInfo] {
        try pass.withLock { _ throws(PortDaddyError) in
            var taken: [SnapshotInfo] = []
            for claim in claims { if let snapshot = try check(claim) { taken.append(snapshot) } }
            return taken
        }
    }

    /// One pass over the watched claims; returns the snapshots taken.
    @discardableResult
    public func poll() throws(PortDaddyError) -> [SnapshotInfo] {
        try pass.withLock { _ throws(PortDaddyError) in try pollPass() }
    }

    func pollPass() throws(PortDaddyError) -> [SnapshotInfo] {
        let claims = try coordination.trustedFileClaims()
        let keys = Set(claims.map(Self.key))
        let gone = watched.withLock { state -> [String] in
            let gone = state.keys.filter { !keys.contains($0) }
            for key in gone { state[key] = nil }
            return gone
        }
        for key in gone { unlink(baselinePath(key)) }
        var taken: [SnapshotInfo] = []
        for claim in claims {
            if let snapshot = try check(claim) { taken.append(snapshot) }
        }
        return taken
    }

    func check(_ claim: FileClaimInfo) throws(PortDaddyError) -> SnapshotInfo? {
        let key = Self.key(claim)
        let known = watched.withLock { $0[key] }
        let signature = FileSignature(path: claim.path)
        if let known, known.signature == signature { return nil }
        guard let signature, signature.size <= Self.maxFileBytes, let (bytes, torn) = Self.stableRead(claim.path) else {
            watched.withLock { $0[key] = Watched(signature: signature, hash: nil) }
            return nil
        }
        let hash = ContentHash.of(bytes)
        guard let known, known.hash != hash else {
            // The first sight of the claim (its baseline), or a touch that changed no byte.
            if known == nil { try saveBaseline(bytes, key) }
            watched.withLock { $0[key] = Watched(signature: signature, hash: hash) }
            return nil
        }
        let previous = FileManager.default.contents(atPath: baselinePath(key))
        let now = clock.nowMillis()
        let snapshot = try store.addSnapshot(
            SnapshotInfo(
                id: 0, path: claim.path, sessionID: claim.sessionID, agentID: claim.agentID, before: known.hash, after: hash,
                size: previous?.count ?? 0, torn: torn, hasBytes: previous != nil, at: now),
            usedAt: now)
        if previous != nil { rename(baselinePath(key), bytesPath(snapshot.id)) }
        try saveBaseline(bytes, key)
        watched.withLock { $0[key] = Watched(signature: signature, hash: hash) }
        activity?.record(
            .filesChanged, actor: nil, subject: claim.path,
            detail: "changed during claim of \(claim.agentID) (session \(claim.sessionID)); snapshot \(snapshot.id)" + (torn ? " (torn read)" : ""))
        try evict()
        return snapshot
    }

    /// The stored bytes of a snapshot (the file before the change); marks it used.
    public func content(of id: Int64) throws(PortDaddyError) -> (SnapshotInfo, Data) {
        guard let snapshot = try store.snapshot(id) else { throw .notFound("no snapshot \(id); see pd snapshots") }
        guard snapshot.hasBytes, let data = FileManager.default.contents(atPath: bytesPath(id)) else {
            throw .notFound("snapshot \(id) has no bytes (evicted, or the file was unreadable)")
        }
        try store.touchSnapshot(id, at: clock.nowMillis())
        return (snapshot, data)
    }

    /// Evicts least recently used bytes until the total fits.
    func evict() throws(PortDaddyError) {
        while try store.snapshotBytes() > maxTotalBytes, let oldest = try store.leastRecentlyUsedSnapshot() {
            unlink(bytesPath(oldest.id))
            try store.markSnapshotEvicted(oldest.id)
        }
    }

    func saveBaseline(_ bytes: Data, _ key: String) throws(PortDaddyError) {
        let path = baselinePath(key)
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw .storage("cannot create \(folder): errno \(errno)") }
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { raw in raw.isEmpty ? 0 : write(fd, raw.baseAddress, raw.count) }
        guard written == bytes.count else { throw .storage("cannot write \(path): errno \(errno)") }
    }

    func baselinePath(_ key: String) -> String { folder + "/baseline-" + ContentHash.of(Data(key.utf8)) }
    func bytesPath(_ id: Int64) -> String { folder + "/\(id)" }

    static func key(_ claim: FileClaimInfo) -> String { claim.path + "\0" + claim.sessionID }

    /// The file's bytes, read until the stats before and after a read agree (up to three reads), and whether
    /// every read was torn.
    static func stableRead(_ path: String) -> (Data, torn: Bool)? {
        var last: Data?
        for _ in 0..<readAttempts {
            let before = FileSignature(path: path)
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let after = FileSignature(path: path)
            if let before, before == after, before.size == data.count { return (data, false) }
            last = data
        }
        return last.map { ($0, true) }
    }
}

/// What `stat` says of a file, to notice a change without reading it: inode, size and modification time (ns).
struct FileSignature: Equatable {
    var inode: UInt64
    var size: Int
    var modified: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        #if canImport(Darwin)
            modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
    }
}
