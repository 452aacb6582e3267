import PortDaddyAPI

extension IntegrationSignal {
    /// A signal as the API shows it.
    public init(_ r: IntegrationRecord) {
        self.init(identity: r.identity, kind: r.kind, detail: r.detail, agentID: r.agentID, at: r.at)
    }
}
