import PortDaddyAPI
import PortDaddyCore

extension ServiceInfo {
    init(_ status: ClaimStatus) {
        let c = status.claim
        self.init(
            id: c.identity.description, port: c.port, state: status.state, pid: c.pid.map(Int.init),
            pidAlive: status.ownerAlive, listening: status.listening, sticky: c.sticky, claimedAt: c.claimedAt,
            lastSeenAt: c.lastSeenAt, expiresAt: c.expiresAt)
    }
}

extension CleanupResponse {
    init(_ freed: [FreedClaim]) {
        self.init(freed: freed.map { .init(port: $0.claim.port, project: $0.claim.identity.description, reason: $0.reason.rawValue) })
    }
}

extension ClaimResponse {
    /// The answer to a claim, over HTTP `POST /claim` and IPC `claim`: the state is ``ClaimStatus``'s rule.
    init(_ report: ClaimReport) {
        let (outcome, c) = (report.outcome, report.outcome.claim)
        self.init(
            id: c.identity.description, port: c.port, existing: outcome.existing, state: report.status.state,
            pid: c.pid.map(Int.init), sticky: c.sticky, expiresAt: c.expiresAt, message: outcome.message)
    }
}

extension ReleaseResponse {
    /// The answer to a release of `target`, over HTTP `DELETE /release` and IPC `release`.
    init(_ released: [Claim], target: String) {
        self.init(
            released: released.map { ReleasedClaim(id: $0.identity.description, port: $0.port, reason: "released") },
            message: released.isEmpty ? "nothing held matches \(target)" : "released \(released.count) claim(s)")
    }
}

extension LockReleaseResponse {
    /// The answer to a lock release by `owner`, over HTTP and IPC.
    init(name: LockName, released: Lock?, by owner: String) {
        self.init(
            name: name.value, released: released != nil, token: released?.token, forced: released.map { $0.owner != owner } ?? false)
    }
}
