import Foundation
import PortDaddyClient

/// Ctrl-C (and the other given signals) while pd follows something in the foreground: the first runs `first` on a
/// background queue with a fresh client to the same daemon (kill the run, stop the fleet); a second exits 130 at once.
final class InterruptHandler: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [any DispatchSourceSignal] = []

    init(
        signals: [Int32] = [SIGINT], label: String, announce: String, client: PortDaddyClient,
        first: @escaping @Sendable (PortDaddyClient) -> Void
    ) {
        let endpoint = client.endpoint
        let token = client.token
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: label))
            source.setEventHandler { [self] in
                let n = lock.withLock { () -> Int in
                    count += 1
                    return count
                }
                guard n == 1 else { exit(130) }
                Output.warn(announce)
                DispatchQueue.global().async {
                    let client = PortDaddyClient(endpoint: endpoint)
                    client.token = token
                    first(client)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether an interrupt arrived.
    var triggered: Bool { lock.withLock { count > 0 } }

    /// Following a run: the first Ctrl-C kills it (its feed then ends).
    static func killing(run runID: String, client: PortDaddyClient) -> InterruptHandler {
        InterruptHandler(label: "pd.spawn.interrupt", announce: "killing \(runID)…", client: client) { client in
            do { _ = try client.killRun(runID) } catch { Output.warn("could not kill \(runID): \(error)") }
        }
    }

    /// A foreground fleet: the first Ctrl-C or SIGTERM stops the fleet, then exits 130.
    static func stopping(fleetOf project: String, client: PortDaddyClient) -> InterruptHandler {
        InterruptHandler(signals: [SIGINT, SIGTERM], label: "pd.fleet.interrupt", announce: "stopping the fleet of \(project)…", client: client) {
            client in
            do { _ = try client.fleetDown(project) } catch { Output.warn("could not stop the fleet: \(error)") }
            fflush(nil)
            exit(130)
        }
    }

    /// Blocks while the first interrupt's action ends the process (the fleet's exits 130).
    func waitForExit() -> Never {
        while true { pause() }
    }
}
