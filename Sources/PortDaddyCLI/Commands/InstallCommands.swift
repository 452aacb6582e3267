import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd install`: a user service (systemd on Linux, launchd on macOS) plus the v1 command links.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the daemon as a user service and link get-port, release-port, list-ports.")
        @Flag(name: .long, help: "Print what would be written and run, change nothing.") var dryRun = false
        @Option(name: .long, help: "Where to put the command links (default ~/.local/bin).") var binDir: String?
        @Flag(name: .long, help: "Write the files but do not enable or start the service.") var noStart = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let plan = InstallPlan(environment: global.environment, binDir: binDir)
            try plan.apply(install: true, dryRun: dryRun, start: !noStart, output: global.output)
        }
    }

    /// `pd uninstall`: remove what `pd install` wrote.
    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the user service and the command links.")
        @Flag(name: .long, help: "Print what would be removed and run, change nothing.") var dryRun = false
        @Option(name: .long, help: "Where the command links are (default ~/.local/bin).") var binDir: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let plan = InstallPlan(environment: global.environment, binDir: binDir)
            try plan.apply(install: false, dryRun: dryRun, start: true, output: global.output)
        }
    }
}

/// The files and commands of an installation, for this OS.
struct InstallPlan {
    let environment: PortDaddyEnvironment
    let executable: String
    let binDir: String
    let userHome: String

    static let linkNames = ["pd", "get-port", "release-port", "list-ports"]

    init(environment: PortDaddyEnvironment, binDir: String?) {
        self.environment = environment
        self.executable = DaemonLauncher.executablePath()
        self.userHome = PortDaddyEnvironment.value("HOME") ?? "/tmp"
        self.binDir = binDir ?? userHome + "/.local/bin"
    }

    var servicePath: String {
        #if os(Linux)
            let config = PortDaddyEnvironment.value("XDG_CONFIG_HOME") ?? userHome + "/.config"
            return config + "/systemd/user/port-daddy.service"
        #else
            return userHome + "/Library/LaunchAgents/dev.portdaddy.pd.plist"
        #endif
    }

    var serviceFile: String {
        #if os(Linux)
            return """
                [Unit]
                Description=Port Daddy: stable ports and coordination for dev servers and agents
                After=default.target

                [Service]
                Type=notify
                NotifyAccess=main
                WatchdogSec=30
                ExecStart=\(executable) daemon
                Environment=PORT_DADDY_HOME=\(environment.home)
                Restart=on-failure
                RestartSec=2

                [Install]
                WantedBy=default.target

                """
        #else
            return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key><string>dev.portdaddy.pd</string>
                  <key>ProgramArguments</key><array><string>\(executable)</string><string>daemon</string></array>
                  <key>EnvironmentVariables</key><dict><key>PORT_DADDY_HOME</key><string>\(environment.home)</string></dict>
                  <key>RunAtLoad</key><true/>
                  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
                  <key>StandardOutPath</key><string>\(environment.logFile)</string>
                  <key>StandardErrorPath</key><string>\(environment.logFile)</string>
                </dict>
                </plist>

                """
        #endif
    }

    var startCommands: [[String]] {
        #if os(Linux)
            return [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", "port-daddy.service"]]
        #else
            return [["launchctl", "bootstrap", "gui/\(getuid())", servicePath]]
        #endif
    }

    var stopCommands: [[String]] {
        #if os(Linux)
            return [["systemctl", "--user", "disable", "--now", "port-daddy.service"], ["systemctl", "--user", "daemon-reload"]]
        #else
            return [["launchctl", "bootout", "gui/\(getuid())", servicePath]]
        #endif
    }

    func apply(install: Bool, dryRun: Bool, start: Bool, output: Output) throws {
        let fm = FileManager.default
        if install {
            if dryRun {
                output.line("would write \(servicePath):")
                output.line(serviceFile)
                for name in Self.linkNames { output.line("would link \(binDir)/\(name) -> \(executable)") }
                if start { for command in startCommands { output.line("would run: \(command.joined(separator: " "))") } }
                return
            }
            try fm.createDirectory(atPath: (servicePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try serviceFile.write(toFile: servicePath, atomically: true, encoding: .utf8)
            output.line("wrote \(servicePath)")
            try fm.createDirectory(atPath: binDir, withIntermediateDirectories: true)
            for name in Self.linkNames {
                let link = binDir + "/" + name
                if link == executable { continue }
                if let existing = try? fm.attributesOfItem(atPath: link) {
                    let target = try? fm.destinationOfSymbolicLink(atPath: link)
                    guard existing[.type] as? FileAttributeType == .typeSymbolicLink,
                        (target as NSString?)?.lastPathComponent == "pd"
                    else {
                        Output.warn("\(link) exists and is not a link to pd; left it alone")
                        continue
                    }
                }
                try? fm.removeItem(atPath: link)
                try fm.createSymbolicLink(atPath: link, withDestinationPath: executable)
                output.line("linked \(link) -> \(executable)")
            }
            if start { for command in startCommands { runTool(command, output: output) } }
        } else {
            if dryRun {
                for command in stopCommands { output.line("would run: \(command.joined(separator: " "))") }
                output.line("would remove \(servicePath)")
                for name in Self.linkNames { output.line("would remove \(binDir)/\(name) (if it links to pd)") }
                return
            }
            if fm.fileExists(atPath: servicePath) {
                for command in stopCommands { runTool(command, output: output) }
                try fm.removeItem(atPath: servicePath)
                output.line("removed \(servicePath)")
            }
            for name in Self.linkNames {
                let link = binDir + "/" + name
                if let target = try? fm.destinationOfSymbolicLink(atPath: link), target == executable {
                    try fm.removeItem(atPath: link)
                    output.line("removed \(link)")
                }
            }
        }
    }

    /// Runs a service-manager command directly (no shell); reports failure without stopping.
    func runTool(_ command: [String], output: Output) {
        do {
            let result = try CapturedRun.run(command[0], Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment)
            if result.status == 0 {
                output.line("ran: \(command.joined(separator: " "))")
            } else {
                Output.warn("\(command.joined(separator: " ")) exited \(result.status); any pd command still starts the daemon on demand")
            }
        } catch {
            Output.warn("cannot run \(command[0]): \(error); any pd command still starts the daemon on demand")
        }
    }
}
