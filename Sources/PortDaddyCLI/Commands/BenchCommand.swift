import ArgumentParser

extension PD {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Measure the daemon (see docs/BENCHMARKS.md).")
        func run() throws { throw CLIError("not built yet") }
    }
}
