import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient
import PortDaddyStackConfig

extension ToolHandler {
    /// `stack`: up (waits for readiness), down, ps, logs, restart — for the project whose `.portdaddyrc` is in `dir`.
    func stack(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let action = try args.action(["up", "down", "ps", "logs", "restart"])
        let dir = try args.required("dir")
        guard dir.hasPrefix("/") else { throw .invalid("dir must be an absolute path (the project's directory, holding .portdaddyrc)") }
        let config: StackConfig
        do { config = try StackConfig.load(root: dir) } catch { throw .refused(.daemon(.invalidStackConfig), message: error.description) }
        var context = try args.string("context")
        if context == nil { context = WorktreeContext.detect(from: dir) }
        let key = StackConfig.key(project: config.project, context: context)
        let services = try args.strings("services") ?? []
        for name in services where config.services[name] == nil {
            throw .invalid("\(name) is not a service of \(config.project) (services: \(config.services.keys.sorted().joined(separator: ", ")))")
        }
        switch action {
        case "up":
            let request = StackUpRequest(
                root: dir, context: context, services: services, environment: ProcessInfo.processInfo.environment,
                noHealth: try args.bool("no_health") ?? false)
            let (value, info) = try run { c throws(ClientError) in try c.stackUp(request, wait: true) }
            return (value, Self.summary(info))
        case "down":
            let (value, info) = try run { c throws(ClientError) in try c.stackDown(key, services: services) }
            return (value, "stopped \(services.isEmpty ? "stack \(info.key)" : services.joined(separator: ", "))")
        case "restart":
            let (value, info) = try run { c throws(ClientError) in try c.stackRestart(key, services: services) }
            return (value, "restarting \(services.isEmpty ? "every service" : services.joined(separator: ", ")) of \(info.key)")
        case "logs":
            let lines = min(max(try args.int("lines") ?? 50, 1), 1000)
            let (value, logs) = try run { c throws(ClientError) in try c.stackLogs(key, service: services.first, lines: lines) }
            let text = logs.events.map { "\($0.service) \($0.kind == "state" ? "»" : $0.stream == "err" ? "!" : "|") \($0.text)" }.joined(
                separator: "\n")
            return (value, text.isEmpty ? "no output yet" : text)
        default:
            let (value, info) = try run { c throws(ClientError) in try c.stack(key) }
            return (value, Self.summary(info))
        }
    }

    static func summary(_ info: StackInfo) -> String {
        "stack \(info.key) \(info.state)" + (info.failure.map { ": \($0)" } ?? "") + "\n"
            + info.services.map { s in
                "\(s.name) \(s.state)" + (s.port.map { " port \($0)" } ?? "") + (s.url.map { " \($0)" } ?? "") + (s.detail.map { " (\($0))" } ?? "")
            }.joined(separator: "\n")
    }
}
