import Synchronization

/// What the arbiter hears on the transitions that can break an invariant. Services call it after their own
/// transaction has committed (never inside it), so it adds nothing to their latency under the writer's lock.
public protocol TransitionWatcher: Sendable {
    /// An agent was registered bound to `(pid, start)`.
    func agentBound(_ agent: String, pid: Int32, start: UInt64?)
    /// A write into a closed harbor by a non-member was refused.
    func harborWriteRefused(_ harbor: String, agent: String?)
}

/// Where a service keeps the watcher attached after it was built (the arbiter is built after the services it watches).
public final class WatcherSlot: Sendable {
    let watcher = Mutex<(any TransitionWatcher)?>(nil)

    public init() {}

    /// Attaches `watcher` (replacing any).
    public func attach(_ watcher: any TransitionWatcher) { self.watcher.withLock { $0 = watcher } }

    /// The watcher, if attached.
    var current: (any TransitionWatcher)? { watcher.withLock { $0 } }
}
