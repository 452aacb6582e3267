import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddySystem
import PortDaddyTLS

extension PD {
    /// `pd trust`: install the local CA that signs the proxy's HTTPS certificates into the system and browser
    /// trust stores, or take it out again. It links the TLS libraries, so it lives in `pd-daemon`; `pd trust` runs it
    /// there.
    public struct Trust: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Trust Port Daddy's local CA, so https://<name>.localhost:<proxy port> is secure in browsers and curl.",
            discussion: """
                Makes the CA in the data dir if there is none yet (<home>/tls/ca.crt; its key ca.key is 0600 and never
                leaves). Installs it into the system store (Debian/Ubuntu: /usr/local/share/ca-certificates/port-daddy.crt
                + update-ca-certificates; Fedora: /etc/pki/ca-trust/source/anchors + update-ca-trust; macOS: the login
                keychain with security add-trusted-cert) and, when certutil exists, into Chromium's ~/.pki/nssdb and every
                Firefox profile. The system store needs root: without it that step fails, the rest still runs, and pd
                exits 10. The CA can only sign for localhost names and Port Daddy's DNS domains.
                """)

        @Flag(name: .long, help: "Take the CA out of the stores it was put in.") var remove = false
        @Flag(name: .long, help: "Print what would be done, change nothing.") var dryRun = false
        @Flag(name: .long, help: "Print the CA certificate's path (making the CA if needed), e.g. curl --cacert \"$(pd trust --ca-path)\".")
        var caPath = false
        @OptionGroup var global: GlobalOptions

        public init() {}

        public func validate() throws {
            if caPath && (remove || dryRun) { throw ValidationError("--ca-path takes no other flag") }
        }

        public func run() throws {
            let home = global.environment.home
            let files = CAFiles(home: home)
            let output = global.output
            if caPath {
                _ = try Self.loadOrCreate(files)
                if global.json { output.json(["path": files.certificate]) } else { output.line(files.certificate) }
                return
            }
            let plan = TrustPlan(caPath: files.certificate, nickname: TrustStores.nickname(home: home), stores: TrustStores())
            if remove {
                if !files.exist { output.line("skip: no CA in \(files.directory); removing what pd trust may have installed anyway") }
                try execute(plan.removeSteps(), output: output)
                return
            }
            if !files.exist {
                if dryRun {
                    output.line("would create the CA in \(files.directory)")
                } else {
                    _ = try Self.loadOrCreate(files)
                    output.line("created the CA \(files.certificate)")
                }
            }
            try execute(plan.installSteps(), output: output)
        }

        static func loadOrCreate(_ files: CAFiles) throws -> LocalCA {
            let domain = PortDaddyEnvironment.value("PORT_DADDY_DNS_DOMAIN").map { [$0.lowercased()] } ?? []
            do {
                return try LocalCA.loadOrCreate(files: files, domains: domain.filter(HostNames.isValidDomain))
            } catch {
                throw CLIError(error.description, exitCode: PDExit.failure)
            }
        }

        /// Prints each step (dry run) or runs it and prints one line; a failed step does not stop the others.
        func execute(_ steps: [TrustStep], output: Output) throws {
            if dryRun {
                for step in steps { output.line(step.preview) }
                return
            }
            var failed = 0
            var index = 0
            while index < steps.count {
                let step = steps[index]
                let next = index + 1 < steps.count ? steps[index + 1] : nil
                index += 1
                do {
                    output.line(try Self.perform(step))
                } catch {
                    failed += 1
                    Output.warn(Self.advice(for: step, then: next, error: error))
                    // A system file that could not be written or removed: its store's refresh would fail the same way.
                    if case .run(let argv, _)? = next, Self.refreshCommands.contains(argv[0]), step.touchesFile { index += 1 }
                }
            }
            if failed > 0 {
                throw CLIError("\(failed) of \(steps.count) steps failed", exitCode: PDExit.trustIncomplete)
            }
        }

        static func perform(_ step: TrustStep) throws -> String {
            let fm = FileManager.default
            switch step {
            case .copy(let from, let to):
                let data = try Data(contentsOf: URL(fileURLWithPath: from))
                try data.write(to: URL(fileURLWithPath: to), options: .atomic)
                chmod(to, 0o644)
                return "installed \(to)"
            case .remove(let path):
                try fm.removeItem(atPath: path)
                return "removed \(path)"
            case .makeDirectory(let path):
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                return "created \(path)"
            case .run(let argv, let why):
                let result = try TrustRunner.run(argv)
                guard result.status == 0 else {
                    let detail = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
                    throw CLIError("exited \(result.status)\(detail.isEmpty ? "" : ": " + detail)")
                }
                return "ran: \(TrustStep.display(argv))  (\(why))"
            case .skip(let why):
                return "skip: \(why)"
            }
        }

        /// The programs that refresh a system store after its file changed.
        static let refreshCommands: Set<String> = ["update-ca-certificates", "update-ca-trust"]

        /// One line on what failed and what to do (`next` is the store's refresh, if it follows).
        static func advice(for step: TrustStep, then next: TrustStep?, error: any Error) -> String {
            let reason = (error as? CLIError)?.message ?? (error as NSError).localizedDescription
            var refresh = ""
            if case .run(let argv, _)? = next, refreshCommands.contains(argv[0]) { refresh = " && sudo " + TrustStep.display(argv) }
            switch step {
            case .copy(let from, let to):
                return "failed: cannot write \(to) (\(reason)); as root: sudo cp \(from) \(to)\(refresh)"
            case .remove(let path):
                return "failed: cannot remove \(path) (\(reason)); as root: sudo rm \(path)\(refresh)"
            case .run(let argv, _):
                return "failed: \(TrustStep.display(argv)): \(reason)"
            case .makeDirectory(let path):
                return "failed: cannot create \(path) (\(reason))"
            case .skip: return reason
            }
        }
    }
}
