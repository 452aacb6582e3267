import Foundation
import Logging
import PortDaddyCore
import ServiceLifecycle
import Synchronization

/// The webhook delivery worker: sends each webhook's due deliveries in order, one in flight per webhook and
/// ``maxInFlight`` over all, records every attempt, and sleeps until the next delivery is due or new ones are queued.
/// A dead endpoint only ever holds its own queue; the daemon serves on. At shutdown, deliveries in flight are
/// cancelled and stay pending (sent again after the restart, with the same `X-PD-Delivery`).
struct WebhookDeliveryService: Service {
    static let maxInFlight = 8
    /// The longest nap (the worker looks at the outbox at least this often).
    static let maxNapSeconds = 30.0
    /// Finished deliveries are pruned about this often.
    static let pruneEverySeconds = 600.0

    let webhooks: WebhookService
    let sender = WebhookSender()
    let logger: Logger
    let state = WorkerState()

    /// What the worker's tasks share: the webhooks in flight and the wake-up of the nap.
    final class WorkerState: Sendable {
        let busy = Mutex<Set<String>>([])
        let nap = Mutex<(woken: Bool, sleeper: Task<Void, Never>?)>((false, nil))

        /// Ends the current nap, or the next one before it starts.
        func wake() {
            nap.withLock { nap in
                nap.woken = true
                nap.sleeper?.cancel()
            }
        }

        /// Sleeps up to `seconds`, or until ``wake()``.
        func sleep(_ seconds: Double) async {
            let sleeper = Task<Void, Never> { _ = try? await Task.sleep(for: .milliseconds(Int(max(0.001, seconds) * 1000))) }
            let skip = nap.withLock { nap -> Bool in
                defer { nap.woken = false }
                if nap.woken { return true }
                nap.sleeper = sleeper
                return false
            }
            if skip { sleeper.cancel() }
            await sleeper.value
            nap.withLock { $0.sleeper = nil }
        }
    }

    func run() async throws {
        webhooks.onQueued { [state] in state.wake() }
        var lastPrune = Date.distantPast
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    startDue(in: &group)
                    if Date().timeIntervalSince(lastPrune) > Self.pruneEverySeconds {
                        lastPrune = Date()
                        do { try webhooks.prune() } catch { logger.error("webhook delivery prune failed: \(error)") }
                    }
                    await state.sleep(napSeconds())
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            state.wake()
        }
    }

    /// Starts the due deliveries there is room for.
    func startDue(in group: inout DiscardingTaskGroup) {
        let busy = state.busy.withLock { $0 }
        let due: [WebhookDueDelivery]
        do { due = try webhooks.due(excluding: busy, limit: Self.maxInFlight - busy.count) } catch {
            logger.error("webhook outbox read failed: \(error)")
            return
        }
        for delivery in due {
            state.busy.withLock { _ = $0.insert(delivery.webhook) }
            group.addTask { [webhooks, sender, logger, state] in
                let outcome = await sender.send(delivery, at: Int64(Date().timeIntervalSince1970))
                if !Task.isCancelled {
                    do {
                        let after = try webhooks.record(delivery, status: outcome.status, error: outcome.error)
                        if after == .failed {
                            logger.warning(
                                "webhook delivery failed after every attempt (parked)",
                                metadata: ["webhook": "\(delivery.webhook)", "delivery": "\(delivery.id)", "why": "\(outcome.error ?? "-")"])
                        }
                    } catch {
                        logger.error("webhook attempt not recorded: \(error)")
                    }
                }
                state.busy.withLock { _ = $0.remove(delivery.webhook) }
                state.wake()
            }
        }
    }

    /// Seconds until the next queue head is due (at most ``maxNapSeconds``).
    func napSeconds() -> Double {
        let busy = state.busy.withLock { $0 }
        // Every slot taken: a finished delivery wakes the worker.
        guard busy.count < Self.maxInFlight else { return Self.maxNapSeconds }
        guard let next = try? webhooks.nextDue(excluding: busy) else { return Self.maxNapSeconds }
        let seconds = Double(next) / 1000 - Date().timeIntervalSince1970
        return min(Self.maxNapSeconds, max(0.005, seconds))
    }
}
