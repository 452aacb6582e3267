import PortDaddyAPI

extension CoordinationService {
    /// Waits until every identity is signalled ready or its claimed port listens, or `timeoutSeconds` pass, and
    /// returns the identities still pending (in the order given).
    ///
    /// Signals arrive as `integration.*` activity events, so the store is read again only when one was given.
    /// Whether a port listens is the OS's state and has no event; it is probed every `probeInterval`.
    public func waitUntilReady(
        _ identities: [Identity], timeoutSeconds: Double, probeInterval: Duration = .milliseconds(250)
    ) async throws(PortDaddyError) -> [Identity] {
        guard let activity else { return try notReady(identities) }
        // Follow before the first check: a signal given after the check is an event after the cursor.
        let follower = activity.follow(after: try activity.newestID(), type: ActivityKind.integrationPrefix)
        var pending = try notReady(identities)
        guard !pending.isEmpty, timeoutSeconds > 0 else { return pending }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(timeoutSeconds * 1000)))
            follower.stop()
        }
        let prober = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: probeInterval)
                follower.ping()
            }
        }
        defer {
            timer.cancel()
            prober.cancel()
            follower.stop()
        }
        var events = follower.makeAsyncIterator()
        do {
            while !pending.isEmpty, let batch = try await events.next() {
                if batch.isEmpty {
                    pending = pending.filter { !(claims.status(of: $0)?.listening ?? false) }
                } else {
                    pending = try notReady(pending)
                }
            }
        } catch let error as PortDaddyError {
            throw error
        } catch {
            throw .storage(String(describing: error))
        }
        return pending
    }

    /// The identities that are not ready, in order.
    func notReady(_ identities: [Identity]) throws(PortDaddyError) -> [Identity] {
        var pending: [Identity] = []
        for identity in identities where try !isReady(identity) { pending.append(identity) }
        return pending
    }
}
