import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

/// What `pd advise` and `pd preflight` send besides the path: the task, and what the CLI knows of the project.
struct AdviceContext {
    var task: String?
    var tuples: Bool

    func ask(_ client: PortDaddyClient, path raw: String) throws -> AdviseResponse {
        let path = realPaths([raw])[0]
        let project = ProjectRoot.project(of: path)
        let repo = GitCheckout.current()?.repo
        // The CLI reads the file (as the user) for the freshness check; the daemon never does.
        let hash = ContentHash.ofFile(atPath: path)
        return try attempt { try client.advise(path: path, task: task, project: project, hash: hash, repo: repo, tuples: tuples) }
    }

    /// The verdict line, then one line per check with its action indented beneath.
    static func print(_ advice: AdviseResponse, to output: Output) {
        output.line("\(advice.path): \(advice.verdict.rawValue.uppercased())")
        for check in advice.checks {
            let mark: String
            switch check.status {
            case .ok: mark = "ok   "
            case .info: mark = "info "
            case .warn: mark = "WARN "
            case .block: mark = "BLOCK"
            }
            output.line("  \(mark) \(check.id.padding(toLength: 14, withPad: " ", startingAt: 0)) \(check.evidence)")
            if let action = check.action, check.status != .ok { output.line("        → \(action)") }
        }
    }
}

extension PD {
    /// `pd advise PATH`: the checks to run before touching one file. Exit 4 when blocked.
    struct Advise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Before you touch a file: who holds it, whether it changed, salvage, channels, heat, locks (exit 4 when blocked).",
            discussion: "The same state always gives the same advice. Each finding comes with the pd command that acts on it.")
        @Argument(help: "The file.") var path: String
        @Option(name: .long, help: "What you are about to do (used in the suggested pd begin).") var task: String?
        @Flag(name: .long, help: "Also list tuples that mention the file.") var tuples = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let advice = try AdviceContext(task: task, tuples: tuples).ask(try global.client(), path: path)
            if global.json { global.output.json(advice) } else { AdviceContext.print(advice, to: global.output) }
            if advice.verdict == .blocked { throw ExitCode(PDExit.refused) }
        }
    }

    /// `pd preflight PATH…`: `pd advise` for several files, with the tuple check. Exit 4 when any is blocked.
    struct Preflight: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "pd advise for every file you are about to change, tuples included (exit 4 when any is blocked).")
        @Argument(help: "The files.") var paths: [String]
        @Option(name: .long, help: "What you are about to do.") var task: String?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if paths.isEmpty { throw ValidationError("name at least one file") }
        }

        func run() throws {
            let client = try global.client()
            let context = AdviceContext(task: task, tuples: true)
            let all = try paths.map { try context.ask(client, path: $0) }
            if global.json { global.output.json(all) } else { all.forEach { AdviceContext.print($0, to: global.output) } }
            if all.contains(where: { $0.verdict == .blocked }) { throw ExitCode(PDExit.refused) }
        }
    }
}
