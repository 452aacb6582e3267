import Foundation

/// One runnable sample: a folder of `samples/` in the source tree, embedded in the binary.
public struct Sample: Sendable, Equatable, Codable {
    /// The folder's name, e.g. `leader-election`.
    public var name: String
    /// One line on what it shows.
    public var description: String
    /// Its folder in the source tree.
    public var path: String
    /// The script that runs it (in the folder).
    public var entry: String
}

/// The samples `pd demo` lists, writes out and runs; their files are embedded by `SamplesPlugin`.
public enum SampleCatalog {
    /// Every sample, in the order `pd demo` lists them.
    public static let all: [Sample] = [
        Sample(
            name: "leader-election",
            description: "workers queue for one lock (pd with-lock --wait); kill the leader and exactly one new leader takes over",
            path: "samples/leader-election", entry: "run.sh"),
        Sample(
            name: "ci-database",
            description: "claim ci:db:$RUN_ID for a port, run a throw-away database on it, test against it, release it",
            path: "samples/ci-database", entry: "run.sh"),
        Sample(
            name: "inbox-handshake",
            description: "agent A claims a port and sends it to B's inbox; B connects over TCP and A sees the connection",
            path: "samples/inbox-handshake", entry: "run.sh"),
        Sample(
            name: "fleet-actors",
            description: "the seed's actor catalogue as a pd-fleet.yml: a message to an alias queues on the actor's mailbox, nothing starts",
            path: "samples/fleet-actors", entry: "run.sh"),
    ]

    /// The sample called `name`.
    public static func named(_ name: String) -> Sample? { all.first { $0.name == name } }

    /// A sample's files: their paths inside its folder and their bytes.
    public static func files(of sample: Sample) -> [(path: String, contents: Data)] {
        let prefix = sample.name + "/"
        return embeddedSampleFiles.keys.sorted().compactMap { key in
            guard key.hasPrefix(prefix), let data = Data(base64Encoded: embeddedSampleFiles[key] ?? "") else { return nil }
            return (String(key.dropFirst(prefix.count)), data)
        }
    }

    /// Writes a sample's files into `directory` (created if needed); scripts (`.sh`) are made executable.
    /// Returns the paths written.
    @discardableResult
    public static func write(_ sample: Sample, to directory: String) throws -> [String] {
        var written: [String] = []
        for file in files(of: sample) {
            let path = directory + "/" + file.path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try file.contents.write(to: URL(fileURLWithPath: path))
            let mode = file.path.hasSuffix(".sh") ? 0o755 : 0o644
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            written.append(path)
        }
        return written
    }
}
