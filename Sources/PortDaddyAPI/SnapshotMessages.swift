import Foundation

/// A snapshot the daemon took of a file while a claim made with the user's authority held it: the bytes the file
/// had before a change (`before`), and the hash it had after (`after`).
public struct SnapshotInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var sessionID: String
    /// The claim's holder. The change may be someone else's: it cannot be attributed, only dated.
    public var agentID: String
    /// SHA-256 of the stored bytes (the file before the change); nil when no earlier content was read.
    public var before: String?
    /// SHA-256 of the file after the change.
    public var after: String
    /// Size of the stored bytes.
    public var size: Int
    /// The file kept changing while it was read (three reads): `after` hashes a read that may be torn.
    public var torn: Bool
    /// False once the bytes were evicted (the store keeps at most 200 MiB, least recently used first).
    public var hasBytes: Bool
    public var at: Int64
    public init(
        id: Int64, path: String, sessionID: String, agentID: String, before: String?, after: String, size: Int, torn: Bool, hasBytes: Bool,
        at: Int64
    ) {
        self.id = id
        self.path = path
        self.sessionID = sessionID
        self.agentID = agentID
        self.before = before
        self.after = after
        self.size = size
        self.torn = torn
        self.hasBytes = hasBytes
        self.at = at
    }
}

/// `GET /snapshots` (metadata only: open-read).
public struct SnapshotsResponse: Codable, Sendable, Equatable {
    public var snapshots: [SnapshotInfo]
    public init(snapshots: [SnapshotInfo]) { self.snapshots = snapshots }
}

/// `GET /snapshots/{id}` (file bytes: trusted only).
public struct SnapshotContentResponse: Codable, Sendable, Equatable {
    public var snapshot: SnapshotInfo
    /// The file's bytes before the change (base64 in JSON).
    public var content: Data
    public init(snapshot: SnapshotInfo, content: Data) {
        self.snapshot = snapshot
        self.content = content
    }
}
