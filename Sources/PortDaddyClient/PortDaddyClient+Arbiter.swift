import PortDaddyAPI

/// The arbiter.
extension PortDaddyClient {
    public func arbiterStatus() throws(ClientError) -> ArbiterStatus { try call(Routes.arbiterStatus) }

    public func setArbiterMode(_ mode: ArbiterMode) throws(ClientError) -> ArbiterStatus {
        try call(Routes.arbiterMode, body: ArbiterModeRequest(mode: mode))
    }

    public func testInvariant(_ name: String) throws(ClientError) -> ArbiterViolationInfo { try call(Routes.arbiterTestInvariant, name) }
}
