import PortDaddyAPI
import PortDaddyCore

extension V1PortResponse {
    /// The v1 answer to a port request, with v1's messages (over HTTP `POST /ports/request` and over IPC `get-port`).
    init(_ outcome: ClaimOutcome, preferred: Int?) {
        let message: String
        if outcome.existing {
            message = "existing assignment"
        } else if let preferred {
            message = outcome.claim.port == preferred ? "assigned preferred port" : outcome.message
        } else {
            message = "assigned port"
        }
        self.init(port: outcome.claim.port, message: message, existing: outcome.existing)
    }
}
