import PortDaddyAPI
import PortDaddyCore

extension IntegrationSignal {
    init(_ r: IntegrationRecord) {
        self.init(identity: r.identity, kind: r.kind, detail: r.detail, agentID: r.agentID, at: r.at)
    }
}
