import Foundation
import PortDaddyAPI

extension FleetConfig {
    /// The commented starter `pd fleet init` writes for `project` (any text: it is made one identity segment).
    /// It validates clean: one reviewer on `git:committed`, a nightly sweep, and the fixer the reviewer chains to.
    public static func starter(project: String) -> String {
        let name = starterName(project)
        return """
            # pd-fleet.yml: agents that wake on a channel message or a cron schedule, within limits and a daily budget.
            # Check it with `pd fleet validate`; run it with `pd fleet up` (until pd fleet down) or `pd fleet enable`
            # (also after daemon restarts). Money is US dollars, read exactly (at most 6 decimals).
            fleet:
              name: \(name)                  # one identity segment: a-z 0-9 . _ -
              harbor: "{project}:fleet"         # the harbor the fleet's agents join ({project} {fleet})
              limits:
                max_concurrent_spawns: 2        # more wakes wait
                max_spawns_per_hour: 20         # a sliding 60-minute window
                budget_usd_per_day: 5           # the wallet's usdPerDay caps this too
              defaults:
                backend: claude-cli             # claude-cli codex aider gemini claude ollama openai (pd backends)
                budget: 0.25                    # per run
                timeout: 10m
              agents:                           # a map of name -> agent (or a list: names are then derived)
                reviewer:
                  trigger: git:committed        # the post-commit hook pd fleet init installs publishes here
                  prompt: "Review commit {message} of {project} on {branch}; report bugs, do not edit files."
                  queue: collapse               # collapse (a burst becomes one wake) | fifo (one run per message)
                  on_failure: "publish fleet:alerts"
                nightly:
                  schedule: "0 3 * * *"         # 5-field cron in local time, @hourly/@daily/..., or @every 30s
                  prompt: "Sweep {project} for TODOs added this week and list them."
                  budget: 0.10
              channels:
                git:committed:
                  description: "after each commit (the payload is the commit hash)"
                  consumers: [reviewer]

            """
    }

    /// `project` as one identity segment (lower case; anything else becomes `-`), `fleet` when nothing is left.
    static func starterName(_ project: String) -> String {
        let mapped = project.lowercased().map { character -> Character in
            character.asciiValue.map { Identity.isAllowed($0) } == true ? character : "-"
        }
        let trimmed = String(mapped).trimmingCharacters(in: ["-"])
        return trimmed.isEmpty ? "fleet" : String(trimmed.prefix(57)) + "-dev"
    }
}
