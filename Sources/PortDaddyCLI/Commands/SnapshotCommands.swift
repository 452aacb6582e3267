import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd snapshots [--path P] [--session S]`, `show ID [--diff]`, `restore ID [--force]`.
    struct SnapshotGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshots", abstract: "Snapshots the daemon took of claimed files that changed during the claim.",
            discussion: """
                Only claims made with your authority (over the Unix socket, or with the token) are watched. Each snapshot \
                keeps the file's bytes before a change (`before`) and the hash after it (`after`).
                """,
            subcommands: [List.self, Show.self, Restore.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List snapshots, newest first.")
            @Option(name: .long, help: "Only this file.") var path: String?
            @Option(name: .long, help: "Only this session.") var session: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.snapshots(path: path.map { realPaths([$0])[0] }, session: session) }
                if global.json { return global.output.json(response) }
                guard !response.snapshots.isEmpty else { return global.output.line("no snapshots") }
                global.output.table(
                    ["ID", "PATH", "HOLDER", "BEFORE", "AFTER", "AGE"],
                    response.snapshots.map {
                        [
                            String($0.id), $0.path, $0.agentID, $0.before.map { String($0.prefix(12)) } ?? "-",
                            String($0.after.prefix(12)) + ($0.torn ? " (torn)" : ""), Output.age(sinceMillis: $0.at),
                        ]
                    })
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a snapshot; --diff compares its bytes with the file now.")
            @Argument(help: "Snapshot id.") var id: Int64
            @Flag(name: .long, help: "diff -u of the snapshot against the file as it is now.") var diff = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.snapshot(id) }
                if global.json { return global.output.json(response) }
                let s = response.snapshot
                global.output.line("snapshot \(s.id) of \(s.path), held by \(s.agentID) (session \(s.sessionID)), \(Output.age(sinceMillis: s.at))")
                global.output.line("before \(s.before ?? "-") (\(s.size) bytes)")
                global.output.line("after  \(s.after)" + (s.torn ? " (torn: the file kept changing while read)" : ""))
                guard diff else { return }
                let temporary = NSTemporaryDirectory() + "pd-snapshot-\(s.id)-\(getpid())"
                guard FileManager.default.createFile(atPath: temporary, contents: response.content, attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError("cannot write \(temporary)")
                }
                defer { unlink(temporary) }
                let current = FileManager.default.fileExists(atPath: s.path) ? s.path : "/dev/null"
                let result: CapturedRun
                do {
                    result = try CapturedRun.run(
                        "diff", ["-u", "--label", "snapshot \(s.id)", "--label", s.path, temporary, current],
                        environment: ProcessInfo.processInfo.environment)
                } catch { throw CLIError("cannot run diff: \(error.description)", exitCode: PDExit.commandNotRunnable) }
                global.output.line(result.stdout.isEmpty ? "no difference" : String(result.stdout.dropLast(result.stdout.hasSuffix("\n") ? 1 : 0)))
            }
        }

        struct Restore: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a snapshot's bytes back to its file (exit 4 if the file changed since, unless --force).",
                discussion: "pd writes the file itself (a temporary file renamed over it, keeping its mode); the daemon never writes it.")
            @Argument(help: "Snapshot id.") var id: Int64
            @Flag(name: .long, help: "Restore even if the file changed after the snapshot.") var force = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.snapshot(id) }
                let s = response.snapshot
                let now = ContentHash.ofFile(atPath: s.path)
                if now != s.after && !force {
                    throw CLIError(
                        "\(s.path) changed after snapshot \(s.id) (now \(now.map { String($0.prefix(12)) } ?? "missing"), snapshot after "
                            + "\(s.after.prefix(12))); pd snapshots show \(s.id) --diff, or restore --force",
                        exitCode: PDExit.refused)
                }
                try Self.atomicWrite(response.content, to: s.path)
                if global.json { return global.output.json(s) }
                global.output.line("restored \(s.path) from snapshot \(s.id) (\(response.content.count) bytes)")
            }

            /// Writes `data` next to `path` and renames it over `path`, with the old file's mode (0644 for a new file).
            static func atomicWrite(_ data: Data, to path: String) throws {
                var info = stat()
                let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
                let folder = (path as NSString).deletingLastPathComponent
                let temporary = folder + "/.pd-restore-\(getpid())-" + (path as NSString).lastPathComponent
                let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
                guard fd >= 0 else { throw CLIError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
                let written = data.withUnsafeBytes { raw in raw.isEmpty ? 0 : write(fd, raw.baseAddress, raw.count) }
                let synced = fsync(fd) == 0
                fchmod(fd, mode)
                close(fd)
                guard written == data.count, synced, rename(temporary, path) == 0 else {
                    unlink(temporary)
                    throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
    }
}
