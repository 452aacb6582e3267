/// What `pd version --json` prints: pd's own build and, when one answers, the daemon's.
public struct VersionReport: Codable, Sendable, Equatable {
    /// One program's build.
    public struct Build: Codable, Sendable, Equatable {
        public var version: String
        /// The git commit it was built from, or "unknown".
        public var commit: String
        /// Its executable.
        public var binary: String
        /// The daemon's PID (not set for pd itself).
        public var pid: Int?

        public init(version: String, commit: String, binary: String, pid: Int? = nil) {
            self.version = version
            self.commit = commit
            self.binary = binary
            self.pid = pid
        }
    }

    public var pd: Build
    /// `nil` when no daemon answers.
    public var daemon: Build?

    public init(pd: Build, daemon: Build?) {
        self.pd = pd
        self.daemon = daemon
    }
}
