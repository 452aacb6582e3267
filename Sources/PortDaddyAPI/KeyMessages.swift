/// `GET /keys`: the state of encryption at rest. Never carries key material.
public struct EncryptionStatus: Codable, Sendable, Equatable {
    /// The master key file the daemon uses.
    public var keyFile: String
    /// True when the key is loaded and opens the database's data keys.
    public var ok: Bool
    /// Why encrypted text cannot be read or written (the key file is missing or not the one the database was written with).
    public var problem: String?
    /// Wrapped data keys (one per session with notes, plus runs, episodes, tuples).
    public var dataKeys: Int
    /// Rows whose text is sealed, and rows still in plaintext (sealed at the next start with a usable key).
    public var sealedRows: Int
    public var plaintextRows: Int
    public init(keyFile: String, ok: Bool, problem: String?, dataKeys: Int, sealedRows: Int, plaintextRows: Int) {
        (self.keyFile, self.ok, self.problem) = (keyFile, ok, problem)
        (self.dataKeys, self.sealedRows, self.plaintextRows) = (dataKeys, sealedRows, plaintextRows)
    }
}

/// `POST /keys/rotate`: a new master key; every data key re-wrapped under it.
public struct KeyRotateResponse: Codable, Sendable, Equatable {
    public var keyFile: String
    /// How many data keys were re-wrapped.
    public var rewrapped: Int
    public init(keyFile: String, rewrapped: Int) {
        self.keyFile = keyFile
        self.rewrapped = rewrapped
    }
}
