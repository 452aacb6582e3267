/// Cluster mode: which node this daemon is, and whether another node still counts as alive. An agent's liveness is
/// judged by the node that owns its PID; on every other node it lives while its node does (lease plus grace).
public protocol NodeLiveness: Sendable {
    /// This daemon's node name.
    var localNode: String { get }
    /// Whether `node`'s lease is current or ran out less than the grace ago (as of the last heartbeat).
    func isNodeAlive(_ node: String) -> Bool
}
