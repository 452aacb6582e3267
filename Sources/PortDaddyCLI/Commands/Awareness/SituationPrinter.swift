import Foundation
import PortDaddyAPI

/// Prints `pd look` (plain) and `pd sitrep` (the same data, told from the bridge).
struct SituationPrinter {
    enum Voice { case plain, maritime }
    let output: Output
    let voice: Voice

    func print(_ look: LookResponse, summaryOnly: Bool) {
        guard !summaryOnly else { return output.line(look.summary) }
        let maritime = voice == .maritime
        output.line(maritime ? "⚓ Situation report — \(look.summary)" : look.summary)
        if !look.agents.isEmpty {
            output.line("")
            output.line(maritime ? "Crew aboard:" : "Agents:")
            for agent in look.agents {
                let label = agent.name.map { "\($0) (\(agent.id))" } ?? agent.id
                output.line("  \(label) \(agent.state)" + (agent.identity.map { " on \($0)" } ?? "") + (agent.purpose.map { " — \($0)" } ?? ""))
            }
        }
        if !look.runs.isEmpty {
            output.line("")
            output.line(maritime ? "Sorties under way:" : "Runs:")
            for run in look.runs {
                output.line("  \(run.id) \"\(run.name)\" \(run.state.rawValue) · \(run.tokens.input)/\(run.tokens.output) tokens · $\(run.cost.usd)")
            }
        }
        if !look.notes.isEmpty {
            output.line("")
            output.line(maritime ? "From the logbook:" : "Notes:")
            for item in look.notes.prefix(20) {
                output.line("  \(Output.age(sinceMillis: item.note.at)) \(item.agentID) [\(item.note.type.rawValue)] \(item.note.text)")
            }
        }
        if !look.salvage.isEmpty {
            output.line("")
            output.line(maritime ? "Adrift, awaiting salvage:" : "Salvage waiting:")
            for item in look.salvage {
                output.line("  \(item.agentID)" + (item.identity.map { " on \($0)" } ?? "") + " — pd salvage claim \(item.agentID)")
            }
        }
        if !look.activity.isEmpty {
            output.line("")
            output.line(maritime ? "Signals received:" : "Activity:")
            for event in look.activity.prefix(20) {
                output.line("  \(Output.age(sinceMillis: event.at)) \(event.type) \(event.subject)" + (event.detail.map { " — \($0)" } ?? ""))
            }
        }
        if let heat = look.heat {
            output.line("")
            output.line(maritime ? "Rough water (hot files):" : "Hot files:")
            if heat.isEmpty { output.line("  (none)") }
            for file in heat { output.line("  " + Self.heatLine(file)) }
        }
        if maritime && look.agents.isEmpty && look.runs.isEmpty && look.salvage.isEmpty { output.line("All quiet on deck.") }
    }
}

extension SituationPrinter {
    /// `0.72 /path — held by a, b`.
    static func heatLine(_ file: FileHeat) -> String {
        PD.PheromoneGroup.format(file.heat) + " " + file.path + (file.holders.isEmpty ? "" : " — held by " + file.holders.joined(separator: ", "))
    }
}

/// The briefing as Markdown.
enum BriefingDocument {
    static func markdown(_ b: BriefingResponse, full: Bool) -> String {
        var lines = ["# Briefing" + (b.project.map { ": \($0)" } ?? ""), ""]
        func section(_ title: String, _ items: [String]) {
            lines.append("## \(title)")
            lines.append("")
            lines += items.isEmpty ? ["(none)"] : items.map { "- " + $0 }
            lines.append("")
        }
        section(
            "Agents",
            b.agents.map { agent in
                (agent.name.map { "\($0) (\(agent.id))" } ?? agent.id) + " \(agent.state)" + (agent.identity.map { " on \($0)" } ?? "")
                    + (agent.purpose.map { ": \($0)" } ?? "")
            })
        section(
            "Sessions",
            b.sessions.map { session in
                let notes = full ? session.notes : Array(session.notes.suffix(1))
                return "\(session.id) [\(session.phase.rawValue)] \(session.purpose) (agent \(session.agentID))"
                    + notes.map { "\n  - \($0.type.rawValue): \($0.text)" }.joined()
            })
        section("File claims", b.files.map { "\($0.path) — \($0.agentID)" })
        section("Locks", b.locks.map { "\($0.name) — \($0.owner)" })
        section("Stacks running", b.stacks)
        section("Agent runs", b.runs.map { "\($0.id) \"\($0.name)\" \($0.state.rawValue) · $\($0.cost.usd)" })
        section("Salvage waiting", b.salvage.map { "\($0.agentID)" + ($0.purpose.map { ": \($0)" } ?? "") + " — pd salvage claim \($0.agentID)" })
        section("Integration signals", b.integration.map { "\($0.identity) \($0.kind): \($0.detail)" })
        section("Recent changes", b.changelog.map { "\($0.identity) \($0.type.rawValue): \($0.summary)" })
        section(
            "Pinned notes",
            b.pinned.map { pin in
                pin.tuple.dropFirst().map { if case .string(let text) = $0 { text } else { $0.canonicalJSON } }.joined(separator: " · ")
            })
        section("Hot files", b.hotFiles.map(SituationPrinter.heatLine))
        return lines.joined(separator: "\n")
    }
}
