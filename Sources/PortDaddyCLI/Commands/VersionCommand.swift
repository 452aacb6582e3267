import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyBuildInfo
import PortDaddySystem

extension PD {
    /// `pd version`: the version, the git commit of the build and the binary, of pd and of the running daemon.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the version, build commit and binary of pd (and of the running daemon).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let status = try? global.passiveClient().status()
            let report = VersionReport(
                pd: .init(version: PortDaddyVersion.current, commit: BuildInfo.commit, binary: ExecutablePath.current()),
                daemon: status.map {
                    .init(version: $0.version, commit: $0.commit ?? "unknown", binary: $0.binary ?? "unknown", pid: $0.pid)
                })
            if global.json { return global.output.json(report) }
            global.output.line("pd \(report.pd.version)")
            global.output.line("  commit  \(report.pd.commit)")
            global.output.line("  binary  \(report.pd.binary)")
            guard let daemon = report.daemon else { return global.output.line("daemon not running") }
            global.output.line("daemon \(daemon.version), pid \(daemon.pid ?? 0)")
            global.output.line("  commit  \(daemon.commit)")
            global.output.line("  binary  \(daemon.binary)")
        }
    }
}
