import PortDaddySystem
import ServiceLifecycle
import Synchronization

/// The daemon under systemd's `Type=notify`: `READY=1` once every listener is up, then `WATCHDOG=1` every half
/// `WATCHDOG_USEC` while the daemon runs, and `STOPPING=1` when it shuts down.
final class SystemdLink: Sendable {
    let notifier: SystemdNotifier
    private let announced = Atomic<Bool>(false)

    init(notifier: SystemdNotifier) { self.notifier = notifier }

    /// Tells systemd the daemon is ready (once).
    func ready() {
        guard !announced.exchange(true, ordering: .acquiringAndReleasing) else { return }
        notifier.send("READY=1")
    }

    var isReady: Bool { announced.load(ordering: .acquiring) }
}

/// Pings systemd's watchdog while the daemon runs (after `READY=1`), and says `STOPPING=1` on shutdown.
struct SystemdWatchdog: Service {
    let link: SystemdLink

    func run() async throws {
        if let seconds = link.notifier.watchdogSeconds {
            await periodically(every: seconds) {
                if link.isReady { link.notifier.send("WATCHDOG=1") }
            }
        } else {
            try? await gracefulShutdown()
        }
        link.notifier.send("STOPPING=1")
    }
}
