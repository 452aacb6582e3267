import PortDaddySystem
import ServiceLifecycle
import Synchronization

/// Gives memory back once the daemon goes quiet: freed heap pages and the code pages that start-up or the last
/// burst of requests touched. Every listener counts what it reads (`DaemonActivity`); when a tick sees no new
/// activity since the previous one, and nothing was trimmed since the last activity, it trims once.
struct IdleMemoryTrimmer: Service {
    /// How long the daemon must have been quiet.
    var quietPeriod: Duration = .seconds(2)

    func run() async throws {
        var seen = DaemonActivity.count
        var trimmed = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: quietPeriod) }
            let now = DaemonActivity.count
            if now != seen {
                seen = now
                trimmed = false
            } else if !trimmed {
                ProcessMemory.releaseFreePages()
                ProcessMemory.releaseCodePages()
                trimmed = true
            }
        }
    }
}

/// A count of reads on every listener: how the idle trimmer tells a quiet daemon (relaxed; only its change matters).
enum DaemonActivity {
    private static let reads = Atomic<UInt64>(0)

    static func note() { reads.add(1, ordering: .relaxed) }

    static var count: UInt64 { reads.load(ordering: .relaxed) }
}
