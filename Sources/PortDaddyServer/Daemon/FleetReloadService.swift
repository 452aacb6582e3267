import Dispatch
import Foundation
import Logging
import PortDaddyRuns
import ServiceLifecycle

/// Hot reload of running fleets: looks at their `pd-fleet.yml` files every `PORT_DADDY_FLEET_POLL` seconds, and at
/// once on SIGHUP, until graceful shutdown.
struct FleetReloadService: Service {
    let fleets: FleetSupervisor
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { [fleets, logger] in
            Task {
                let result = await fleets.checkFiles()
                logger.info("SIGHUP: fleet files read", metadata: ["reloaded": "\(result.reloaded)", "invalid": "\(result.invalid)"])
            }
        }
        hangup.resume()
        defer { hangup.cancel() }
        await periodically(every: intervalSeconds) {
            let result = await fleets.checkFiles()
            for project in result.invalid {
                logger.warning("fleet file is invalid; the last valid definition keeps running", metadata: ["project": "\(project)"])
            }
        }
    }
}
