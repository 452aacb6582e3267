import Foundation

/// Where the local CA lives in a data dir: `<home>/tls/ca.crt` (the certificate, PEM) and `<home>/tls/ca.key`
/// (its P-256 private key, PEM, mode 0600).
public struct CAFiles: Sendable, Equatable {
    /// The directory holding both files.
    public let directory: String

    /// The paths for the data dir `home`.
    public init(home: String) {
        directory = home + "/tls"
    }

    /// The CA certificate (PEM): what `pd trust` installs and `curl --cacert` takes.
    public var certificate: String { directory + "/ca.crt" }
    /// The CA's private key (PEM, 0600). It never leaves the data dir.
    public var privateKey: String { directory + "/ca.key" }

    /// Whether both files exist.
    public var exist: Bool {
        FileManager.default.fileExists(atPath: certificate) && FileManager.default.fileExists(atPath: privateKey)
    }
}
