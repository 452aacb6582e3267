import ArgumentParser
import Foundation
import PortDaddyAPI

extension PD {

    /// `pd cleanup`: run the reaper now.
    struct Cleanup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Free stale claims now (expired, or owner dead past the grace period).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.cleanup() }
            if global.json { return global.output.json(response) }
            if response.freed.isEmpty {
                // Say why claims that look dead were not freed: they are within their grace period.
                let dead = (try? client.diagnostics().deadClaims.count) ?? 0
                let status = try? client.status()
                let grace = status.map { "\(Int($0.reapGraceSeconds))s" } ?? "the grace period"
                global.output.line(
                    dead == 0
                        ? "nothing stale: every claim's owner is alive or its port listens"
                        : "nothing to free yet: \(dead) dead claim(s) (owner gone, port silent) are freed once dead for \(grace) "
                            + "(PORT_DADDY_REAP_GRACE); pd release <identity> frees one now"
                )
            }
            for item in response.freed { global.output.line("freed \(item.project) (port \(item.port), \(item.reason))") }
        }
    }

    /// `pd completions <shell>`.
    struct Completions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a shell completion script.",
            discussion:
                "bash: pd completions bash > ~/.local/share/bash-completion/completions/pd\nzsh: pd completions zsh > "
                + "\"${fpath[1]}/_pd\"\nfish: pd completions fish > ~/.config/fish/completions/pd.fish"
        )

        @Argument(help: "bash, zsh or fish.") var shell: String

        func run() throws {
            guard let kind = CompletionShell(rawValue: shell) else {
                throw CLIError("unknown shell \"\(shell)\"; use bash, zsh or fish", exitCode: PDExit.usage)
            }
            print(PD.completionScript(for: kind))
        }
    }
}
