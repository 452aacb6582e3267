import Logging
import PortDaddyAPI
import PortDaddyCLI
import PortDaddyCluster
import PortDaddyCore
import PortDaddyServer

/// The composition root's half of `pd daemon` and `pd doctor`: the server and store modules behind the CLI's
/// `DaemonHost`, so the CLI library never imports them.
struct ServerDaemonHost: DaemonHost {
    func runDaemon(_ options: DaemonOptions, environment: PortDaddyEnvironment) async throws(CLIError) {
        var config: DaemonConfiguration
        do { config = try DaemonConfiguration.fromEnvironment(environment) } catch {
            throw CLIError(error.description, exitCode: PDExit.usage)
        }
        if let port = options.tcpPort { config.tcpPort = port }
        config.tcpHost = options.tcpHost
        if let choice = options.dnsPort { config.dnsPort = Self.port(choice) }
        if let choice = options.proxyPort { config.proxyPort = Self.port(choice) }
        if let domain = options.dnsDomain { config.dnsDomain = domain }
        if let url = options.clusterURL, !url.isEmpty {
            do { config.cluster = try ClusterSettings.parse(url: url, node: options.node) } catch {
                throw CLIError(error.description, exitCode: PDExit.usage)
            }
        } else if options.node != nil {
            throw CLIError("--node names this daemon in a cluster; give --cluster postgres://… too", exitCode: PDExit.usage)
        }
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            try await Daemon.run(config, allowRemote: options.allowRemote, logger: Logger(label: "port-daddy"))
        } catch let error as PortDaddyError {
            throw CLIError(error.description, exitCode: error.code == .clusterUnavailable ? PDExit.unreachable : PDExit.failure)
        } catch let error as DaemonError {
            if case .alreadyRunning = error { throw CLIError(error.description, exitCode: PDExit.alreadyRunning) }
            throw CLIError(error.description)
        } catch {
            throw CLIError("\(error)")
        }
    }

    func integrityCheck(readingOnly path: String) -> String {
        SQLiteStore.integrityCheck(readingOnly: path)
    }

    /// The configuration's encoding of a port choice: `nil` is off, 0 lets the OS choose.
    private static func port(_ choice: DaemonOptions.PortChoice) -> Int? {
        switch choice {
        case .off: return nil
        case .automatic: return 0
        case .port(let n): return n
        }
    }
}
