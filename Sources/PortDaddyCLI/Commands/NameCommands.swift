import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd url <identity>`.
    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url", abstract: "Print the URL of a claimed identity (exit 5 if not claimed).",
            discussion:
                "Through the daemon's reverse proxy when it runs (http://api.myapp.localhost/ on port 80), else straight to the "
                + "claimed port. *.localhost reaches loopback with no setup. The identity `dashboard` always goes straight to its "
                + "port: dashboard.localhost on the proxy is the daemon's own dashboard."
        )
        @Argument(help: "Identity.") var identity: String
        @Option(name: .long, help: "Cluster mode: the URL of the identity's port on that node (its advertised host).")
        var node: String?
        @OptionGroup var global: GlobalOptions

        struct Answer: Codable {
            var id: String
            var url: String
            var host: String
            var port: Int
            /// The name under the DNS responder's domain, when it runs.
            var dnsName: String?
        }

        static func resolve(_ raw: String, global: GlobalOptions) throws -> Answer {
            let client = try global.client()
            let id = try resolvedIdentity(raw, client: client)
            let service = try attempt { try client.service(id.description) }
            let host = HostNames.name(of: id)
            var dnsName: String?
            var url = "http://\(host):\(service.port)/"
            if let data = FileManager.default.contents(atPath: global.environment.runtimeFile),
                let info = try? JSONDecoder().decode(RuntimeInfo.self, from: data)
            {
                if let domain = info.dnsDomain { dnsName = HostNames.name(of: id, domain: domain) }
                if let proxy = info.proxyPort, host != dashboardHost { url = proxy == 80 ? "http://\(host)/" : "http://\(host):\(proxy)/" }
            }
            return Answer(id: id.description, url: url, host: host, port: service.port, dnsName: dnsName)
        }

        /// Cluster mode: where another node serves `raw` (its advertised host and the port it claimed there).
        static func resolve(_ raw: String, on node: String, global: GlobalOptions) throws -> Answer {
            let id: Identity
            do { id = try Identity(parsing: raw) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
            let client = try global.client()
            let ports = try attempt { try client.clusterPorts(pattern: id.description) }.ports
            guard let found = ports.first(where: { $0.node == node.lowercased() && $0.identity == id.description }) else {
                throw CLIError("node \(node) publishes no claim for \(id); pd find --cluster lists what each node holds", exitCode: PDExit.notFound)
            }
            if !found.nodeAlive { Output.warn("node \(found.node) has not renewed its lease: its service may be down") }
            return Answer(id: id.description, url: "http://\(found.host):\(found.port)/", host: found.host, port: found.port, dnsName: nil)
        }

        /// On the proxy this name is the daemon's dashboard, so the identity `dashboard` is reached at its port.
        static let dashboardHost = "dashboard." + HostNames.localhostDomain

        static func shadowNote(_ answer: Answer) -> String? {
            answer.host == dashboardHost
                ? "\(dashboardHost) on the proxy is Port Daddy's dashboard; this URL goes straight to the claimed port" : nil
        }

        func run() throws {
            let answer = try node.map { try Self.resolve(identity, on: $0, global: global) } ?? Self.resolve(identity, global: global)
            if global.json { return global.output.json(answer) }
            if let note = Self.shadowNote(answer) { Output.warn(note) }
            global.output.line(answer.url)
        }
    }

    /// `pd open <identity>`.
    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a claimed identity's URL in the browser.")
        @Argument(help: "Identity.") var identity: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let answer = try URLCommand.resolve(identity, global: global)
            try openInBrowser(answer.url)
            global.output.line(answer.url)
        }
    }

    /// `pd dns setup|teardown|status`.
    struct DNS: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Point the OS resolver at the daemon's DNS responder for its domain (never edits /etc/hosts).",
            discussion: """
                Start the daemon with PORT_DADDY_DNS_PORT=N (and PORT_DADDY_DNS_DOMAIN, default pd.local; .local collides
                with mDNS, so pd.test is recommended). Linux: a systemd-resolved drop-in; macOS: /etc/resolver/<domain>.
                """,
            subcommands: [Setup.self, Teardown.self, Status.self], defaultSubcommand: Status.self)

        struct Target {
            let path: String
            let content: String
            let reload: [String]?
        }

        /// Where the resolver configuration goes on this OS, for the running daemon's DNS port and domain.
        static func target(root: String, global: GlobalOptions) throws -> (Target, RuntimeInfo) {
            guard let data = FileManager.default.contents(atPath: global.environment.runtimeFile),
                let info = try? JSONDecoder().decode(RuntimeInfo.self, from: data), let port = info.dnsPort, let domain = info.dnsDomain
            else {
                throw CLIError(
                    "the daemon's DNS responder is not running; start it with PORT_DADDY_DNS_PORT=<port> (pd restart)", exitCode: PDExit.unreachable)
            }
            #if os(macOS)
                return (
                    Target(path: root + "/etc/resolver/\(domain)", content: "# Port Daddy\nnameserver 127.0.0.1\nport \(port)\n", reload: nil), info
                )
            #else
                return (
                    Target(
                        path: root + "/etc/systemd/resolved.conf.d/port-daddy.conf",
                        content:
                            "# Port Daddy: send \(domain) to the pd daemon's DNS responder\n[Resolve]\nDNS=127.0.0.1:\(port)\nDomains=~\(domain)\n",
                        reload: ["systemctl", "restart", "systemd-resolved"]), info
                )
            #endif
        }

        struct Setup: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write the resolver configuration (needs root; --dry-run prints it).")
            @Flag(name: .long) var dryRun = false
            @Option(name: .long, help: .hidden) var root: String = ""
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let (target, _) = try DNS.target(root: root, global: global)
                if dryRun {
                    global.output.line("would write \(target.path):")
                    global.output.line(target.content)
                    if let reload = target.reload { global.output.line("would run: \(reload.joined(separator: " "))") }
                    return
                }
                do {
                    try FileManager.default.createDirectory(
                        atPath: (target.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try target.content.write(toFile: target.path, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError(
                        "cannot write \(target.path) (\(error.localizedDescription)); run with sudo, or write it yourself (pd dns setup --dry-run)")
                }
                global.output.line("wrote \(target.path)")
                if root.isEmpty, let reload = target.reload {
                    InstallPlan(environment: global.environment, binDir: nil).runTool(reload, output: global.output)
                }
            }
        }

        struct Teardown: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove the resolver configuration.")
            @Flag(name: .long) var dryRun = false
            @Option(name: .long, help: .hidden) var root: String = ""
            @OptionGroup var global: GlobalOptions

            func run() throws {
                #if os(macOS)
                    let candidates =
                        (try? FileManager.default.contentsOfDirectory(atPath: root + "/etc/resolver"))?.map { root + "/etc/resolver/" + $0 } ?? []
                    let ours = candidates.filter { ((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "").hasPrefix("# Port Daddy") }
                #else
                    let path = root + "/etc/systemd/resolved.conf.d/port-daddy.conf"
                    let ours = FileManager.default.fileExists(atPath: path) ? [path] : []
                #endif
                guard !ours.isEmpty else { return global.output.line("no Port Daddy resolver configuration in place") }
                for path in ours {
                    if dryRun {
                        global.output.line("would remove \(path)")
                        continue
                    }
                    do { try FileManager.default.removeItem(atPath: path) } catch {
                        throw CLIError("cannot remove \(path) (\(error.localizedDescription)); run with sudo")
                    }
                    global.output.line("removed \(path)")
                }
                #if os(Linux)
                    if !dryRun && root.isEmpty {
                        InstallPlan(environment: global.environment, binDir: nil).runTool(
                            ["systemctl", "restart", "systemd-resolved"], output: global.output)
                    }
                #endif
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Say whether the responder runs and the resolver configuration points at it.")
            @Option(name: .long, help: .hidden) var root: String = ""
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let (target, info) = try DNS.target(root: root, global: global)
                global.output.line("responder  127.0.0.1:\(info.dnsPort ?? 0) (udp+tcp) for \(info.dnsDomain ?? "?")")
                let current = try? String(contentsOfFile: target.path, encoding: .utf8)
                switch current {
                case nil:
                    global.output.line("resolver   \(target.path) missing: run pd dns setup")
                    throw ExitCode(PDExit.notFound)
                case target.content?:
                    global.output.line("resolver   \(target.path) points here")
                default:
                    global.output.line("resolver   \(target.path) is out of date: run pd dns setup")
                    throw ExitCode(PDExit.failure)
                }
            }
        }
    }
}

extension PD {
    /// `pd dashboard`: open the live control panel.
    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open the live dashboard (served by the daemon at /) in the browser.")
        @Flag(name: .long, help: "Only print its URL.") var print = false
        @Flag(name: .long, help: "With --print: a URL with a one-time code (60 s) that unlocks stack output and controls in the tab that opens it.")
        var code = false
        @OptionGroup var global: GlobalOptions

        /// Writes `<home>/dashboard-open.html` (0600) that sends the browser on to `url`; returns its file URL.
        static func redirectFile(to url: String, in home: String) throws -> String {
            let path = home + "/dashboard-open.html"
            let quoted = url.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "<", with: "%3C")
            let html =
                "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=\"0;url=\(quoted)\"><title>Port "
                + "Daddy</title><script>location.replace(\"\(quoted)\")</script>\n"
            unlink(path)
            guard FileManager.default.createFile(atPath: path, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CLIError("cannot write \(path)")
            }
            return URL(fileURLWithPath: path).absoluteString
        }

        func run() throws {
            let status = try attempt { try global.client().status() }
            let url = "http://127.0.0.1:\(status.tcpPort)/"
            if print && !code { return global.output.line(url) }
            // A one-time code in the fragment (browsers never send it; it expires in a minute and works once): the
            // tab trades it for its own key to read stack output and stop or restart services. The user's token
            // itself never goes on a command line, where other users could read it.
            let grant = try? global.client().dashboardGrant()
            let full = grant.map { url + "#code=" + $0.code } ?? url
            if print { return global.output.line(full) }
            // Never the code itself on the opener's command line (other users can read /proc/*/cmdline): a
            // private file in the data dir redirects the browser to it.
            try openInBrowser(grant == nil ? url : try Self.redirectFile(to: full, in: global.environment.home))
            global.output.line(url + (grant == nil ? "" : "  (opened with a one-time code: stack output and controls enabled in that tab)"))
        }
    }
}
