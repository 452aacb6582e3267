import ArgumentParser
import Foundation
import PortDaddySamples
import PortDaddySystem

extension PD {
    /// `pd demo [list|run NAME|get NAME --dir D]`: the runnable samples embedded in pd.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo", abstract: "List, run or write out the runnable samples (leader election, CI database, inbox handshake).",
            subcommands: [List.self, Run.self, Get.self], defaultSubcommand: List.self)

        static func sample(_ name: String) throws -> Sample {
            guard let sample = SampleCatalog.named(name) else {
                let names = SampleCatalog.all.map(\.name).joined(separator: ", ")
                throw CLIError("no sample named \"\(name)\"; the samples are \(names)", exitCode: PDExit.notFound)
            }
            return sample
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the samples: name, what it shows, its folder.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                if global.json { return global.output.json(SampleCatalog.all) }
                let width = SampleCatalog.all.map(\.name.count).max() ?? 0
                for sample in SampleCatalog.all {
                    global.output.line(sample.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + sample.description)
                    global.output.line(String(repeating: " ", count: width + 2) + sample.path + "/" + sample.entry)
                }
                global.output.line("run one: pd demo run NAME; write its files out: pd demo get NAME --dir DIR")
            }
        }

        struct Run: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run a sample against the current daemon (its files go to a temporary folder; PD is this pd).",
                discussion: "Exits with the sample's exit code.")
            @Argument(help: "The sample's name (pd demo list).") var name: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let sample = try Demo.sample(name)
                var template = Array(((NSTemporaryDirectory() as NSString).appendingPathComponent("pd-demo-XXXXXX")).utf8CString)
                guard let made = mkdtemp(&template) else { throw CLIError("cannot create a temporary folder") }
                let dir = String(cString: made)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                try SampleCatalog.write(sample, to: dir)
                let script = dir + "/" + sample.entry
                let status = try ChildProcess.run(script, [script], extraEnvironment: ["PD": ExecutablePath.current()])
                if status != 0 { throw ExitCode(status) }
            }
        }

        struct Get: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write a sample's files into DIR/NAME.")
            @Argument(help: "The sample's name (pd demo list).") var name: String
            @Option(name: .long, help: "The folder to write into (default: the current one).") var dir: String = "."
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let sample = try Demo.sample(name)
                let written: [String]
                do { written = try SampleCatalog.write(sample, to: dir + "/" + sample.name) } catch {
                    throw CLIError("cannot write \(sample.name) into \(dir): \(error.localizedDescription)")
                }
                if global.json { return global.output.json(written) }
                for path in written { global.output.line(path) }
            }
        }
    }
}
