import Foundation
import PortDaddyAPI
import PortDaddyStackConfig

/// Fills a fleet agent's prompt template: `{project} {branch} {fleet} {agent} {channel} {message} {sender}
/// {message_id}`; a collapsed wake adds a line naming the messages it stands for.
enum FleetPrompt {
    static func render(_ template: String, fleet: FleetSupervisor.Fleet, agent: String, wake: FleetSupervisor.Wake) -> String {
        let values: [String: String] = [
            "project": fleet.project, "branch": WorktreeContext.detect(from: fleet.root) ?? "", "fleet": fleet.config.name, "agent": agent,
            "channel": wake.message?.channel ?? "", "message": wake.message?.message ?? "", "sender": wake.message?.sender ?? "",
            "message_id": wake.message.map { String($0.id) } ?? "",
        ]
        var text = template
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        if !wake.collapsed.isEmpty {
            text +=
                "\n\n(collapsed: \(wake.ids.count) messages arrived while you were busy; this is the newest. ids "
                + wake.ids.map(String.init).joined(separator: ", ") + ")"
        }
        return text
    }
}
