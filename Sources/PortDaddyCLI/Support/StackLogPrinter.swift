import Foundation
import PortDaddyAPI

/// Prints a stack's feed as `name | line` with a colour per service, names padded to one width, stderr lines
/// marked with `!`, and the supervisor's own lines under `pd`.
struct StackLogPrinter {
    static let palette = ["36", "35", "32", "33", "34", "91", "96", "95", "92", "93"]
    let width: Int
    let colours: [String: String]
    let color: Bool

    init(services: [String], color: Bool) {
        let names = services.sorted()
        width = max(2, names.map(\.count).max() ?? 2)
        var colours: [String: String] = [:]
        for (i, name) in names.enumerated() { colours[name] = Self.palette[i % Self.palette.count] }
        self.colours = colours
        self.color = color
    }

    func format(_ event: StackEvent) -> String {
        let name = event.service.padding(toLength: width, withPad: " ", startingAt: 0)
        if event.kind == "state" {
            let text = event.service == "pd" ? event.text : "\(event.service) \(event.text)"
            let label = "pd".padding(toLength: width, withPad: " ", startingAt: 0)
            let tint = ["exited", "blocked", "unhealthy"].contains(event.stream) ? "31" : ["ready", "completed"].contains(event.stream) ? "32" : "2"
            return paint(label, "1") + " " + paint("»", tint) + " " + paint(text, tint)
        }
        let mark = event.stream == "err" ? paint("!", "31") : "|"
        return paint(name, colours[event.service] ?? "1") + " " + mark + " " + event.text
    }

    func print(_ event: StackEvent) {
        let line = format(event) + "\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
