import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortDaddyAPI
import PortDaddyCore

/// Lock routes: `GET /locks`, `POST /locks/{name}`, `DELETE /locks/{name}`, `POST /locks/{name}/extend`.
struct LockController: RouteController {
    let locks: LockService
    let logger: Logger
    /// Told about a lock taken over the socket that names a PID.
    let arbiter: Arbiter?

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.locks, use: list)
        routes.on(Routes.acquireLock, use: acquire)
        routes.on(Routes.releaseLock, use: release)
        routes.on(Routes.extendLock, use: extend)
        return routes
    }

    func name(_ context: PDRequestContext) throws -> LockName { try LockCommand.name(context.parameter("name")) }

    /// The PID from the body, else from `X-PID`.
    func pid(_ body: PID?, _ request: Request) throws -> Int? {
        try (body ?? PID(header: request.headers[HTTPField.Name.pdPID]))?.int
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(LocksResponse(locks: try locks.listChecked().map { LockInfo($0.lock, waiters: $0.waiters) }))
    }

    @Sendable func acquire(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let lockName = try name(context)
        let body = try await request.decodeOptionalJSON(LockAcquireRequest.self, context: context) ?? LockAcquireRequest()
        let command = try LockCommand.validated(
            name: lockName.value, owner: body.owner, pid: try pid(body.pid, request), ttlSeconds: body.ttl?.seconds,
            waitSeconds: body.wait?.seconds)
        let lock: Lock
        if command.waitSeconds > 0 {
            // A queued caller that disconnects leaves the queue; one that is gone by the time it is granted the
            // lock gives it straight back.
            let waiting = Task { try await locks.acquire(command) }
            let channel = context.channel
            channel.closeFuture.whenComplete { _ in waiting.cancel() }
            lock = try await waiting.value
            if !channel.isActive {
                _ = try? locks.release(name: lock.name, owner: lock.owner, token: lock.token)
                throw CancellationError()
            }
        } else {
            lock = try await locks.acquire(command)
        }
        if let named = command.pid, let arbiter, let caller = await PeerProcess.pid(of: context) {
            arbiter.namedPID(named, caller: caller, what: "lock \(lock.name.value)", agent: context.agent)
        }
        let waiting = locks.waiters(on: lock.name)
        return try JSONResponse.make(LockInfo(lock, waiters: waiting), status: .created)
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let lockName = try name(context)
        let body = try await request.decodeOptionalJSON(LockReleaseRequest.self, context: context) ?? LockReleaseRequest()
        let ownerPID = try ClaimCommand.validatedPID(try pid(body.pid, request))
        let force = body.force ?? false
        let owner = try LockCommand.releasingOwner(body.owner, pid: ownerPID, force: force)
        let released = try locks.release(name: lockName, owner: owner, token: body.token, force: force)
        if let released, released.owner != owner {
            logger.warning("lock broken by force", metadata: ["lock": "\(lockName)", "holder": "\(released.owner)", "by": "\(owner)"])
        }
        return try JSONResponse.make(LockReleaseResponse(name: lockName, released: released, by: owner))
    }

    @Sendable func extend(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let lockName = try name(context)
        let body = try await request.decodeOptionalJSON(LockExtendRequest.self, context: context) ?? LockExtendRequest()
        let owner = try LockCommand.owner(body.owner, pid: try ClaimCommand.validatedPID(try pid(body.pid, request)))
        let lock = try locks.extend(name: lockName, owner: owner, ttlSeconds: body.ttl?.seconds)
        return try JSONResponse.make(LockInfo(lock, waiters: 0))
    }
}
