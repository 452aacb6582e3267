import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyStackConfig

extension PD {
    /// `pd env <identity>` or `pd env --stack [--service S] [--format sh|dotenv|compose]`.
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a port and print it as shell exports (eval \"$(pd env myapp)\"), or with --stack the whole project's bundle.",
            discussion: """
                --stack prints the bundle of the nearest .portdaddyrc: the running stack's ports, or, when it does not \
                run, ports claimed for every service (owned by your shell, like pd env <identity>); <NAME>_PORT and \
                <NAME>_URL for each (plus <NAME>_NAMED_URL when the proxy serves names); --service adds that \
                service's own PORT and PD_* variables. Formats: sh (export lines), dotenv (.env), compose (a \
                docker-compose override whose services get the variables and publish their port on 127.0.0.1).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case sh, dotenv, compose }

        @Argument(help: "Identity (without --stack).") var identity: String?
        @Flag(name: .long, help: "The environment bundle of this project's stack.") var stack = false
        @Option(name: .long, help: "With --stack: also this service's own variables (PORT, PD_IDENTITY, …).") var service: String?
        @Option(name: .long, help: "sh, dotenv or compose.") var format: Format = .sh
        @OptionGroup var stackOptions: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            if stack { return try printStack() }
            guard let identity else { throw CLIError("give an identity (pd env myapp) or --stack", exitCode: PDExit.usage) }
            let response = try performClaim(
                identity: identity, port: nil, fallback: false, pid: Int(getppid()), expires: nil, sticky: false, global: global)
            let vars = [StackVariable(name: "PORT", value: String(response.port)), StackVariable(name: "PORT_DADDY_IDENTITY", value: response.id)]
            if global.json { return global.output.json(["PORT": String(response.port), "PORT_DADDY_IDENTITY": response.id]) }
            global.output.line(Self.render(vars, format: format == .compose ? .sh : format))
        }

        func printStack() throws {
            let location = try stackOptions.locate()
            if let service { try location.check([service]) }
            let bundle = try attempt {
                try global.client().stackEnvironment(StackEnvRequest(root: location.root, context: location.context, pid: PID(system: getppid())))
            }
            if global.json { return global.output.json(bundle) }
            switch format {
            case .compose: global.output.line(Self.compose(bundle, ports: location.config.services.keys.sorted()))
            case .sh, .dotenv: global.output.line(Self.render(bundle.shared + (service.flatMap { bundle.services[$0] } ?? []), format: format))
            }
        }

        static func render(_ vars: [StackVariable], format: Format) -> String {
            vars.map { v in format == .sh ? "export \(v.name)=\(ShellWord.quoted(v.value))" : "\(v.name)=\(dotenvQuoted(v.value))" }.joined(
                separator: "\n")
        }

        /// A docker-compose override: every service gets the shared variables and its own; services with a port
        /// publish it on loopback as host:container (the container is expected to listen on $PORT). Inside a
        /// container `localhost` is the container itself, so each `<NAME>_URL` names the sibling's compose service
        /// (`http://api:5830`), which the compose network resolves.
        static func compose(_ bundle: StackEnvResponse, ports names: [String]) -> String {
            var lines = ["# docker-compose override for \(bundle.stack), written by pd env --stack --format compose", "services:"]
            let urls = Dictionary(uniqueKeysWithValues: names.map { ("\(StackEnvironment.variablePrefix(of: $0))_URL", $0) })
            for name in names {
                let own = bundle.services[name] ?? []
                lines.append("  \(name):")
                lines.append("    environment:")
                for v in bundle.shared + own {
                    var value = v.value
                    if let sibling = urls[v.name], let port = bundle.shared.first(where: { $0.name == v.name.dropLast(4) + "_PORT" })?.value {
                        value = "http://\(sibling):\(port)"
                    }
                    lines.append("      \(v.name): \(yamlQuoted(value))")
                }
                if let port = own.first(where: { $0.name == "PORT" })?.value {
                    lines.append("    ports:")
                    lines.append("      - \"127.0.0.1:\(port):\(port)\"")
                }
            }
            return lines.joined(separator: "\n")
        }

        static func dotenvQuoted(_ value: String) -> String {
            value.contains(where: { $0 == " " || $0 == "#" || $0 == "\"" || $0 == "'" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
        }

        static func yamlQuoted(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }
}
