import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd doctor`: check the installation and say how to fix what is wrong.
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the data dir, socket, TCP port, database and claims; say how to fix each problem.")
        @OptionGroup var global: GlobalOptions

        struct Check: Encodable {
            var name: String
            var ok: Bool
            var detail: String
            var fix: String?
        }

        func run() throws {
            let env = global.environment
            var checks: [Check] = []
            checks.append(dataDirCheck(env))
            let status = try? global.passiveClient().status()
            checks.append(
                Check(
                    name: "daemon", ok: status != nil,
                    detail: status.map { "running, pid \($0.pid), version \($0.version)" } ?? "not running",
                    fix: status == nil ? "pd start (or any pd command starts it)" : nil))
            checks.append(socketCheck(env, running: status != nil))
            if let status {
                let tcp = PortDaddyClient(endpoint: .tcp(host: status.tcpHost == "0.0.0.0" ? "127.0.0.1" : status.tcpHost, port: status.tcpPort))
                let ok = (try? tcp.health()) != nil
                checks.append(
                    Check(
                        name: "tcp", ok: ok, detail: "http://\(status.tcpHost):\(status.tcpPort) " + (ok ? "answers" : "does not answer"),
                        fix: ok ? nil : "check that nothing else owns port \(status.tcpPort); pd restart"))
                checks.append(
                    Check(
                        name: "proxy", ok: true,
                        detail: status.proxyPort.map { "names served on port \($0) (http://<name>.localhost\($0 == 80 ? "" : ":\($0)")/)" }
                            ?? "off (PORT_DADDY_PROXY_PORT=0)"))
                checks.append(
                    Check(
                        name: "dns", ok: true,
                        detail: status.dnsPort.map { "answers *.\(status.dnsDomain ?? "") on port \($0)" }
                            ?? "off (start the daemon with PORT_DADDY_DNS_PORT to serve a domain)"))
                let stacks = status.stacks ?? []
                checks.append(
                    Check(
                        name: "stacks", ok: true,
                        detail: stacks.isEmpty ? "none running" : "\(stacks.count) running: \(stacks.joined(separator: ", "))"))
                if let diag = try? global.passiveClient().diagnostics() {
                    checks.append(
                        Check(
                            name: "database", ok: diag.databaseIntegrity == "ok",
                            detail: "\(diag.databasePath): \(diag.databaseIntegrity), WAL \(diag.walBytes) bytes",
                            fix: diag.databaseIntegrity == "ok" ? nil : "pd stop; move \(diag.databasePath) aside; pd start (claims are lost)"))
                    // Dead claims are a normal state: the reaper frees each once its grace period has passed.
                    let dead = diag.deadClaims
                    let named = dead.prefix(5).joined(separator: ", ") + (dead.count > 5 ? " and \(dead.count - 5) more" : "")
                    checks.append(
                        Check(
                            name: "claims", ok: true,
                            detail: "\(status.claims) claimed"
                                + (dead.isEmpty ? ", none dead" : "; \(dead.count) dead (owner gone, port silent): \(named)"),
                            fix: dead.isEmpty
                                ? nil
                                : "nothing to do: the reaper frees a dead claim \(Int(status.reapGraceSeconds))s after it died (it "
                                    + "runs every \(Int(status.reapIntervalSeconds))s); pd release <id> frees one now"
                        ))
                }
                if let keys = try? global.passiveClient().encryptionStatus() { checks.append(encryptionCheck(keys)) }
                if let cluster = try? global.passiveClient().cluster() { checks.append(clusterCheck(cluster)) }
            } else if FileManager.default.fileExists(atPath: env.databasePath) {
                let integrity = try DaemonHosting.current.integrityCheck(readingOnly: env.databasePath)
                checks.append(
                    Check(
                        name: "database", ok: integrity == "ok", detail: "\(env.databasePath): \(integrity)",
                        fix: integrity == "ok" ? nil : "move \(env.databasePath) aside; pd start creates a new one"))
            }
            if global.json { return global.output.json(checks) }
            let out = global.output
            for check in checks {
                out.line(
                    "\(check.ok ? out.green("✔") : out.red("✘")) \(check.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(check.detail)")
                if let fix = check.fix { out.line("  → \(fix)") }
            }
            if checks.contains(where: { !$0.ok }) { throw ExitCode(PDExit.failure) }
        }

        /// Encryption at rest: the master key loaded, or why encrypted notes read as `NOTE_KEY_MISSING`.
        func encryptionCheck(_ keys: EncryptionStatus) -> Check {
            Check(
                name: "keys", ok: keys.ok,
                detail: keys.ok
                    ? "\(keys.keyFile) loaded; \(keys.sealedRows) row(s) sealed, \(keys.plaintextRows) in plaintext"
                    : "encrypted notes and run text read as NOTE_KEY_MISSING: \(keys.problem ?? "no key")",
                fix: keys.ok
                    ? nil
                    : "restore \(keys.keyFile) from where you keep it (or set PORT_DADDY_MASTER_KEY_FILE to it), then pd restart; "
                        + "a new key is never made while encrypted rows exist")
        }

        func dataDirCheck(_ env: PortDaddyEnvironment) -> Check {
            var st = stat()
            guard stat(env.home, &st) == 0 else {
                return Check(name: "data dir", ok: false, detail: "\(env.home) does not exist", fix: "pd start creates it")
            }
            let mode = st.st_mode & 0o777
            let ok = mode & 0o077 == 0 && st.st_uid == getuid()
            return Check(
                name: "data dir", ok: ok, detail: "\(env.home) mode \(String(mode, radix: 8))",
                fix: ok ? nil : "chmod 700 \(env.home)")
        }

        func socketCheck(_ env: PortDaddyEnvironment, running: Bool) -> Check {
            var st = stat()
            guard stat(env.socketPath, &st) == 0 else {
                return Check(
                    name: "socket", ok: !running && env.url == nil ? false : env.url != nil,
                    detail: "\(env.socketPath) missing", fix: "pd restart")
            }
            let mode = st.st_mode & 0o777
            let ok = mode & 0o077 == 0
            return Check(
                name: "socket", ok: ok, detail: "\(env.socketPath) mode \(String(mode, radix: 8))",
                fix: ok ? nil : "chmod 600 \(env.socketPath); pd restart")
        }
    }
}

extension PD.Doctor {
    /// Cluster mode: whether PostgreSQL answers, and which nodes have let their lease run out.
    func clusterCheck(_ cluster: ClusterStatusResponse) -> Check {
        guard cluster.reachable else {
            return Check(
                name: "cluster", ok: false, detail: "node \(cluster.node): \(cluster.outage ?? "PostgreSQL does not answer")",
                fix: "check that PostgreSQL at \(cluster.url) runs and accepts this node; the daemon reconnects by itself")
        }
        let down = cluster.nodes.filter { !$0.alive }.map(\.name)
        return Check(
            name: "cluster", ok: true,
            detail: "node \(cluster.node) of \(cluster.nodes.count) at \(cluster.url)"
                + (down.isEmpty ? ", every lease current" : "; lease expired: \(down.joined(separator: ", "))"))
    }
}
