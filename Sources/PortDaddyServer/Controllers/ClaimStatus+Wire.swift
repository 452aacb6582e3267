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
