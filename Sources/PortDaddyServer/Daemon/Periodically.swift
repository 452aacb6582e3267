import ServiceLifecycle

/// Runs `pass` every `seconds` (sleeping first) until graceful shutdown or cancellation: the loop of the daemon's
/// periodic services (the reaper, the snapshot watcher).
func periodically(every seconds: Double, _ pass: () async -> Void) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        }
        guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
        await pass()
    }
}
