import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd mcp` and `pd mcp install`.
    struct MCP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp", abstract: "Run the MCP server over stdio (for AI agents), or install it into a client's config.",
            subcommands: [Serve.self, Install.self], defaultSubcommand: Serve.self)

        struct Serve: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Serve MCP over stdin/stdout (what clients run).",
                discussion:
                    "The server is its own program, pd-mcp, next to pd (it links the MCP SDK's networking, which pd itself does not "
                    + "load); pd mcp runs it in its place."
            )
            @OptionGroup var global: GlobalOptions

            func run() throws {
                // --home / --url reach pd-mcp through the environment it reads.
                let env = global.environment
                setenv("PORT_DADDY_HOME", env.home, 1)
                if let url = env.url { setenv("PORT_DADDY_URL", url, 1) }
                try SiblingProgram.mcp.replaceProcess(arguments: [])
            }
        }

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write (or print, with --dry-run) the client configuration that starts `pd mcp`.",
                discussion: "claude: ./.mcp.json · cursor: ./.cursor/mcp.json · codex: ~/.codex/config.toml")
            @Option(name: .long, help: "claude, cursor or codex.") var client: String = "claude"
            @Flag(name: .long, help: "Print the snippet and the file it would go to; change nothing.") var dryRun = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let exe = DaemonLauncher.executablePath()
                let cwd = FileManager.default.currentDirectoryPath
                let home = PortDaddyEnvironment.value("HOME") ?? "/tmp"
                switch client {
                case "claude", "cursor":
                    let path = client == "claude" ? cwd + "/.mcp.json" : cwd + "/.cursor/mcp.json"
                    var root: [String: Any] = [:]
                    if let data = FileManager.default.contents(atPath: path) {
                        guard let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                            throw CLIError("\(path) is not a JSON object; fix or move it first")
                        }
                        root = existing
                    }
                    var servers = root["mcpServers"] as? [String: Any] ?? [:]
                    servers["port-daddy"] = ["command": exe, "args": ["mcp"]]
                    root["mcpServers"] = servers
                    let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                    try write(String(decoding: data, as: UTF8.self) + "\n", to: path)
                case "codex":
                    let path = home + "/.codex/config.toml"
                    var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                    if text.contains("[mcp_servers.port-daddy]") {
                        global.output.line("\(path) already has [mcp_servers.port-daddy]; left unchanged")
                        return
                    }
                    if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
                    text += "\n[mcp_servers.port-daddy]\ncommand = \"\(exe)\"\nargs = [\"mcp\"]\n"
                    try write(text, to: path)
                default:
                    throw CLIError("--client must be claude, cursor or codex", exitCode: PDExit.usage)
                }
            }

            func write(_ text: String, to path: String) throws {
                if dryRun {
                    global.output.line("would write \(path):")
                    global.output.line(text)
                    return
                }
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                global.output.line("wrote \(path)")
            }
        }
    }
}
