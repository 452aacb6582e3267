import Foundation
import PortDaddyAPI
import PortDaddyClient

/// Prints fleet events (messages of channel `fleet:events`) as one line each: time, type coloured by outcome (green:
/// started and succeeded, red: failed, killed, invalid, dropped and panic, yellow: waiting on limits or budget, dim:
/// queued), the agent, then the other fields as `key=value`. With `--json`, the event's JSON on one line.
struct FleetEventPrinter {
    /// One event as parsed.
    struct Line {
        var id: Int64
        /// When it was published (ms since 1970).
        var at: Int64
        var type: String
        var fields: [String: String]
    }

    let output: Output
    let json: Bool

    /// Prints the event if it is a fleet event; returns it parsed.
    @discardableResult
    func print(_ event: SSEEvent) -> Line? {
        guard event.event == "message", let line = Self.parse(event) else { return nil }
        defer { fflush(nil) }  // a stream: every line as it comes, even into a pipe
        if json {
            output.line(line.fields.isEmpty ? "{}" : Self.compact(event))
            return line
        }
        let time = Self.time(line.at)
        let type = paint(line.type, line.type.padding(toLength: max(line.type.count, 18), withPad: " ", startingAt: 0))
        let agent = line.fields["agent"] ?? line.fields["project"] ?? ""
        let rest = line.fields.filter { !["type", "agent", "project"].contains($0.key) }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        output.line("\(output.dim(time))  \(type) \(agent.padding(toLength: max(agent.count, 12), withPad: " ", startingAt: 0)) \(rest)")
        return line
    }

    /// `text` in the colour of the event type.
    func paint(_ type: String, _ text: String) -> String {
        switch type {
        case "agent.started", "agent.succeeded", "fleet.started", "fleet.reloaded", "budget.cleared", "panic.cleared": return output.green(text)
        case "agent.failed", "agent.killed", "agent.dropped", "fleet.invalid", "fleet.stopped", "fleet.chain_limit", "panic.armed",
            "panic.confirmed":
            return output.red(text)
        case "agent.rate_limited", "agent.refused", "budget.pending": return output.yellow(text)
        default: return output.dim(text)
        }
    }

    static func parse(_ event: SSEEvent) -> Line? {
        guard let data = event.data.data(using: .utf8), let message = try? JSONDecoder().decode(ChannelMessageInfo.self, from: data),
            let body = message.message.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let type = object["type"] as? String
        else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object { fields[key] = "\(value)" }
        return Line(id: message.id, at: message.createdAt, type: type, fields: fields)
    }

    /// A stored message as the `data` of an SSE event.
    static func encode(_ message: ChannelMessageInfo) -> String {
        (try? JSONEncoder().encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func compact(_ event: SSEEvent) -> String {
        guard let data = event.data.data(using: .utf8), let message = try? JSONDecoder().decode(ChannelMessageInfo.self, from: data) else {
            return "{}"
        }
        return message.message
    }

    /// A time (ms since 1970) as local `HH:MM:SS`.
    static func time(_ millis: Int64) -> String {
        var now = time_t(millis / 1000)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
