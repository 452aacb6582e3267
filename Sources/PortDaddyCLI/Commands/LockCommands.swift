import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

/// Who a lock command acts as: `--owner`, else `$PD_AGENT_ID`, else `pid:<parent pid>`.
///
/// A lock held as an agent lives as long as the agent (and its TTL); a lock held as a process lives as long as
/// that process. So the parent PID is only attached when no owner name is known: an AI tool's shell exits
/// after every command, and must not take its agent's lock with it.
struct LockIdentity: ParsableArguments {
    @Option(name: .long, help: "Owner label (default $PD_AGENT_ID, else pid:<parent pid>).") var owner: String?
    @Option(name: .long, help: "Owner PID: the lock is released when it exits (default: pd's parent, unless an owner is named).") var pid: Int?

    /// An explicit owner as given; an agent id normalized as the daemon normalizes agents, so that the agent's
    /// death or unregistration finds its locks.
    var agent: String? { owner ?? PortDaddyEnvironment.value("PD_AGENT_ID").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
    var resolvedPID: Int? { pid ?? (agent == nil ? Int(getppid()) : nil) }
    var resolvedOwner: String { agent ?? "pid:\(resolvedPID ?? Int(getppid()))" }
}

/// Parses a `--ttl` / `--wait` value.
func durationOption(_ raw: String?, _ flag: String) throws -> DurationValue? {
    guard let raw else { return nil }
    guard let seconds = DurationParser.seconds(raw) else {
        throw CLIError("\(flag) \"\(raw)\" is not a duration; use e.g. 30s, 5m, 1h", exitCode: PDExit.usage)
    }
    return DurationValue(seconds: seconds)
}

func validatedLockName(_ raw: String) throws -> String {
    do { return try LockName(parsing: raw).value } catch {
        throw CLIError(error.description.replacingOccurrences(of: "identity", with: "lock name"), exitCode: PDExit.usage)
    }
}

extension PD {
    /// `pd lock <name>` and `pd lock extend <name>`.
    struct LockGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lock", abstract: "Take a lock (prints its fencing token), or extend one you hold.",
            subcommands: [Acquire.self, Extend.self], defaultSubcommand: Acquire.self)

        struct Acquire: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "acquire", abstract: "Take a lock; with --wait, queue for it (FIFO) instead of failing.",
                discussion: "Exit 4 when the lock is held (or the wait timed out). Prints the fencing token.")
            @Argument(help: "Lock name, e.g. db:migrate.") var name: String
            @Option(name: .long, help: "Hold it this long unless extended (default 5m).") var ttl: String?
            @Option(name: .long, help: "Wait up to this long for it.") var wait: String?
            @OptionGroup var who: LockIdentity
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let lockName = try validatedLockName(name)
                let request = LockAcquireRequest(
                    owner: who.resolvedOwner, pid: try pidOption(who.resolvedPID), ttl: try durationOption(ttl, "--ttl"),
                    wait: try durationOption(wait, "--wait"))
                let lock = try viaIPC(
                    global.environment,
                    ipc: { connection throws(ClientError) in
                        try connection.call(
                            .lockAcquire,
                            IPCLockArguments(name: lockName, owner: request.owner, pid: request.pid, ttl: request.ttl, wait: request.wait),
                            as: LockInfo.self)
                    }
                ) {
                    let client = try global.client()
                    return try attempt { try client.acquireLock(lockName, request) }
                }
                if global.json { return global.output.json(lock) }
                global.output.line(String(lock.token))
            }
        }

        struct Extend: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Extend a lock you hold.")
            @Argument(help: "Lock name.") var name: String
            @Option(name: .long, help: "New time to live from now (default 5m).") var ttl: String?
            @OptionGroup var who: LockIdentity
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let lockName = try validatedLockName(name)
                let ttl = try durationOption(self.ttl, "--ttl")
                let pid = try pidOption(who.resolvedPID)
                let lock = try viaIPC(
                    global.environment,
                    ipc: { connection throws(ClientError) in
                        try connection.call(
                            .lockExtend, IPCLockArguments(name: lockName, owner: who.resolvedOwner, pid: pid, ttl: ttl), as: LockInfo.self)
                    }
                ) {
                    let client = try global.client()
                    return try attempt { try client.extendLock(lockName, LockExtendRequest(owner: who.resolvedOwner, pid: pid, ttl: ttl)) }
                }
                if global.json { return global.output.json(lock) }
                global.output.line("\(lock.name) held by \(lock.owner) until \(Output.remaining(untilMillis: lock.expiresAt)) (token \(lock.token))")
            }
        }
    }

    /// `pd unlock <name>`.
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a lock you hold (--force breaks someone else's, and is logged).")
        @Argument(help: "Lock name.") var name: String
        @Flag(name: .long, help: "Release it even if someone else holds it.") var force = false
        @OptionGroup var who: LockIdentity
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let lockName = try validatedLockName(name)
            let request = LockReleaseRequest(owner: who.resolvedOwner, pid: try pidOption(who.resolvedPID), force: force ? true : nil)
            let response = try viaIPC(
                global.environment,
                ipc: { connection throws(ClientError) in
                    try connection.call(
                        .lockRelease, IPCLockReleaseArguments(name: lockName, owner: request.owner, pid: request.pid, force: request.force),
                        as: LockReleaseResponse.self)
                }
            ) {
                let client = try global.client()
                return try attempt { try client.releaseLock(lockName, request) }
            }
            if global.json { return global.output.json(response) }
            global.output.line(
                response.released ? "released \(response.name)" + (response.forced ? " (forced)" : "") : "\(response.name) was not held")
        }
    }

    /// `pd locks`.
    struct Locks: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List held locks: holder, fencing token, expiry, queue.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.locks() }
            if global.json { return global.output.json(response) }
            guard !response.locks.isEmpty else { return global.output.line("no locks held") }
            global.output.table(
                ["LOCK", "HOLDER", "TOKEN", "EXPIRES", "WAITING"],
                response.locks.map { [$0.name, $0.owner, String($0.token), Output.remaining(untilMillis: $0.expiresAt), String($0.waiters)] })
        }
    }
}
