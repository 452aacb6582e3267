import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddySystem

/// One step of `pd trust` or `pd trust --remove`.
enum TrustStep: Equatable {
    /// Copy the CA certificate to a file (the system store).
    case copy(from: String, to: String)
    /// Remove a file.
    case remove(String)
    /// Create a directory (and its parents).
    case makeDirectory(String)
    /// Run a program with these arguments (never through a shell); `why` names the store it changes.
    case run([String], why: String)
    /// Nothing to do here; says why.
    case skip(String)

    /// Whether the step writes or removes a file.
    var touchesFile: Bool {
        switch self {
        case .copy, .remove: return true
        default: return false
        }
    }

    /// What a dry run prints.
    var preview: String {
        switch self {
        case .copy(let from, let to): return "would copy \(from) to \(to)"
        case .remove(let path): return "would remove \(path)"
        case .makeDirectory(let path): return "would create \(path)"
        case .run(let argv, let why): return "would run: \(Self.display(argv))  (\(why))"
        case .skip(let why): return "skip: \(why)"
        }
    }

    /// The command line as a person would type it, quoting arguments with spaces.
    static func display(_ argv: [String]) -> String {
        argv.map { $0.contains(" ") || $0.isEmpty ? "'" + $0 + "'" : $0 }.joined(separator: " ")
    }
}

/// What `pd trust` does for one data dir's CA on this machine, as steps that can be printed (`--dry-run`) or run.
struct TrustPlan {
    let caPath: String
    let nickname: String
    let stores: TrustStores

    /// The steps that install the CA.
    func installSteps() -> [TrustStep] {
        var steps: [TrustStep] = []
        #if os(macOS)
            steps.append(.run(["security", "add-trusted-cert", "-r", "trustRoot", "-k", stores.keychain, caPath], why: "login keychain"))
        #else
            if let system = stores.system {
                steps.append(.copy(from: caPath, to: system.file))
                if let refresh = system.refresh {
                    steps.append(stores.root.isEmpty ? .run(refresh, why: system.name) : .skip("\(refresh[0]) (PORT_DADDY_TRUST_ROOT is set)"))
                }
            } else {
                steps.append(.skip("no system trust store found (/usr/local/share/ca-certificates or /etc/pki/ca-trust)"))
            }
        #endif
        steps += nssSteps(install: true)
        return steps
    }

    /// The steps that undo ``installSteps()``.
    func removeSteps() -> [TrustStep] {
        var steps: [TrustStep] = []
        #if os(macOS)
            steps.append(.run(["security", "remove-trusted-cert", caPath], why: "login keychain trust setting"))
        #else
            if let system = stores.system {
                if FileManager.default.fileExists(atPath: system.file) {
                    steps.append(.remove(system.file))
                    if let refresh = system.refresh {
                        steps.append(stores.root.isEmpty ? .run(refresh, why: system.name) : .skip("\(refresh[0]) (PORT_DADDY_TRUST_ROOT is set)"))
                    }
                } else {
                    steps.append(.skip("\(system.file) is not there"))
                }
            }
        #endif
        steps += nssSteps(install: false)
        return steps
    }

    /// Chromium's and Firefox's NSS databases: add (making Chromium's if there is none yet) or delete by nickname.
    func nssSteps(install: Bool) -> [TrustStep] {
        let fm = FileManager.default
        var databases = stores.firefoxDatabases.map { ($0, "Firefox profile") }
        #if os(Linux)
            databases.insert((stores.chromiumDatabase, "Chromium/Chrome"), at: 0)
        #endif
        guard let certutil = stores.certutil else {
            let present = databases.filter { fm.fileExists(atPath: $0.0) }
            return present.isEmpty && !install
                ? [] : [.skip("browsers' NSS databases: certutil not found (Debian: apt install libnss3-tools)")]
        }
        var steps: [TrustStep] = []
        for (directory, browser) in databases {
            let exists = fm.fileExists(atPath: directory + "/cert9.db")
            if install {
                if !exists {
                    steps.append(.makeDirectory(directory))
                    steps.append(.run([certutil, "-N", "-d", "sql:" + directory, "--empty-password"], why: "new NSS database for \(browser)"))
                }
                steps.append(.run([certutil, "-A", "-d", "sql:" + directory, "-t", "C,,", "-n", nickname, "-i", caPath], why: browser))
            } else if exists && Self.succeeds([certutil, "-L", "-d", "sql:" + directory, "-n", nickname]) {
                steps.append(.run([certutil, "-D", "-d", "sql:" + directory, "-n", nickname], why: browser))
            } else {
                steps.append(.skip("\(browser) (\(directory)) does not hold \(nickname)"))
            }
        }
        return steps
    }

    /// Runs `argv` and says whether it exited 0 (output discarded).
    static func succeeds(_ argv: [String]) -> Bool {
        (try? TrustRunner.run(argv))?.status == 0
    }
}

/// Runs programs for `pd trust` through the one launcher (``CapturedRun``): argv without a shell, a clean signal
/// state, no inherited descriptors; stdout and stderr captured together for the error message.
enum TrustRunner {
    static func run(_ argv: [String]) throws -> CapturedRun {
        do {
            return try CapturedRun.run(
                argv[0], Array(argv.dropFirst()), environment: ProcessInfo.processInfo.environment, includingStderr: true)
        } catch {
            throw CLIError(error.description)
        }
    }
}
