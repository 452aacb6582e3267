import PortDaddyAPI

/// Encryption at rest.
extension PortDaddyClient {
    public func encryptionStatus() throws(ClientError) -> EncryptionStatus { try call(Routes.keys) }

    public func rotateKeys() throws(ClientError) -> KeyRotateResponse { try call(Routes.rotateKeys) }
}
