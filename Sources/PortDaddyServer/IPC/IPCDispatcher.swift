import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyWire

/// Performs the operations of the IPC socket with the same Core services the HTTP routes use, synchronously (it
/// runs on the connection's event loop): decodes `content.args` into the API's request structs, calls the service,
/// and encodes the API's response struct. A claim or release is decided and queued for the group commit and comes
/// back as ``Reply/afterCommit(_:)``, for the connection to finish once its event loop has read what else is there
/// (one commit for all of it); a lock wait comes back as ``Reply/lockWait(_:)`` for the connection to await.
struct IPCDispatcher: Sendable {
    let claims: ClaimService
    let locks: LockService
    let channels: ChannelService
    let coordination: CoordinationService
    let runtime: ServerRuntime
    /// Told about a claim or lock that names a PID (with the connection's peer PID).
    let arbiter: Arbiter?
    /// Cluster mode: operations reach PostgreSQL, so the connection runs them off its event loop.
    var offLoop = false

    /// What a request produced.
    enum Reply {
        /// The result, answered with `inform`.
        case inform(MessagePackValue)
        /// A lock that has to be queued for: answered with `agree` now, `inform` once granted.
        case lockWait(LockCommand)
        /// A write queued for the group commit: finishing waits for the commit and gives the `inform`'s content.
        case afterCommit(() throws -> MessagePackValue)
    }

    /// Performs `op` with `args`. Throws `PortDaddyError` (refused or failed with its code), `DecodingError`
    /// (wrong argument types), or ``IPCDispatcher/UnknownOperation``.
    /// `peer` is the connecting process (SO_PEERCRED), for the arbiter's check of a PID a claim or lock names.
    func perform(_ op: String, _ args: MessagePackValue, sender: String? = nil, peer: Int32? = nil) throws -> Reply {
        guard let operation = IPCOperation(rawValue: op) else { throw UnknownOperation(name: op) }
        // As the HTTP agent middleware: a request from an agent counts as its heartbeat.
        if let sender { coordination.touch(sender) }
        switch operation {
        case .claim:
            let body = try decode(ClaimRequest.self, args)
            let pending = try claims.claimReportingAfterCommit(Self.command(for: body), by: sender)
            if let named = body.pid?.value, let peer { arbiter?.namedPID(named, caller: peer, what: "claim of \(body.id)", agent: sender) }
            return .afterCommit { try encode(ClaimResponse(try pending.finish())) }
        case .release:
            let body = try decode(ReleaseRequest.self, args)
            let pending = try claims.releaseAfterCommit(body.id, by: sender)
            return .afterCommit { try encode(ReleaseResponse(try pending.finish(), target: body.id)) }
        case .find: return .inform(try encode(find(try decode(IPCFindArguments.self, args))))
        case .health: return .inform(try encode(health()))
        case .getPort: return .inform(try encode(getPort(try decode(IPCGetPortArguments.self, args))))
        case .lockAcquire:
            let body = try decode(IPCLockArguments.self, args)
            let command = try LockCommand.validated(
                name: body.name, owner: body.owner, pid: body.pid?.int, ttlSeconds: body.ttl?.seconds, waitSeconds: body.wait?.seconds)
            if let named = command.pid, let peer { arbiter?.namedPID(named, caller: peer, what: "lock \(body.name)", agent: sender) }
            do {
                return .inform(try encode(granted(try locks.acquireNow(command))))
            } catch let error as PortDaddyError where error.code == .lockHeld && command.waitSeconds > 0 {
                return .lockWait(command)  // held: queue (FIFO) for up to `wait`, off the loop
            }
        case .lockRelease: return .inform(try encode(releaseLock(try decode(IPCLockReleaseArguments.self, args))))
        case .lockExtend:
            let body = try decode(IPCLockArguments.self, args)
            let owner = try LockCommand.owner(body.owner, pid: body.pid?.value)
            let lock = try locks.extend(name: try LockCommand.name(body.name), owner: owner, ttlSeconds: body.ttl?.seconds)
            return .inform(try encode(LockInfo(lock, waiters: 0)))
        case .publish:
            let body = try decode(IPCPublishArguments.self, args)
            let stored = try channels.publish(
                to: try ChannelService.name(body.channel), message: body.message, sender: body.sender, signal: body.signal,
                inReplyTo: body.inReplyTo)
            return .inform(try encode(stored))
        case .heartbeat: return .inform(try encode(try coordination.heartbeat(try decode(IPCAgentArguments.self, args).agent)))
        case .note:
            let body = try decode(IPCNoteArguments.self, args)
            return .inform(try encode(try coordination.note(agent: body.agent, text: body.text, type: body.type ?? .note)))
        }
    }

    /// An op this daemon does not know (answered with `refuse` `NOT_FOUND`, as HTTP answers an unknown route).
    struct UnknownOperation: Error {
        let name: String
        var message: String {
            "no operation \"\(name)\"; use one of \(IPCOperation.allCases.map(\.rawValue).joined(separator: ", ")) (docs/IPC.md)"
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ args: MessagePackValue) throws -> T {
        try MessagePackDecoder().decode(type, from: args)
    }

    func encode<T: Encodable>(_ value: T) throws -> MessagePackValue { try MessagePackEncoder().encode(value) }

    // MARK: operations

    /// The claim a `claim` request asks for.
    static func command(for body: ClaimRequest) -> ClaimCommand {
        ClaimCommand(
            identity: body.id, port: body.port?.value, fallback: body.fallback ?? false, pid: body.pid?.value,
            ttlSeconds: body.expires?.seconds, sticky: body.sticky ?? false)
    }

    func find(_ body: IPCFindArguments) throws -> ServicesResponse {
        var pattern: IdentityPattern?
        if let raw = body.pattern, !raw.isEmpty {
            do { pattern = try IdentityPattern(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        return ServicesResponse(services: claims.statuses(matching: pattern).map(ServiceInfo.init))
    }

    func health() -> V1HealthResponse {
        V1HealthResponse(
            status: "ok", uptimeSeconds: Int((SystemWallClock().nowMillis() - runtime.startedAt) / 1000), activePorts: claims.count,
            pid: Int(getpid()), version: PortDaddyVersion.current, commit: runtime.commit, binary: runtime.binary)
    }

    func getPort(_ body: IPCGetPortArguments) throws -> V1PortResponse {
        let command = try ClaimCommand.validated(
            id: V1Names.identity(fromProject: body.project), port: body.preferred?.value, fallback: true, pid: body.pid?.int,
            ttlSeconds: nil, sticky: nil)
        return V1PortResponse(try claims.claim(command, note: V1Controller.note), preferred: body.preferred?.value)
    }

    /// The answer to a granted lock (now or after a wait; the lock service records the grant).
    func granted(_ lock: Lock) -> LockInfo {
        LockInfo(lock, waiters: locks.waiters(on: lock.name))
    }

    func releaseLock(_ body: IPCLockReleaseArguments) throws -> LockReleaseResponse {
        let name = try LockCommand.name(body.name)
        let force = body.force ?? false
        let owner = try LockCommand.releasingOwner(body.owner, pid: body.pid?.value, force: force)
        return LockReleaseResponse(name: name, released: try locks.release(name: name, owner: owner, token: body.token, force: force), by: owner)
    }
}
