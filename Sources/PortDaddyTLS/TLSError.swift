/// Why the local certificate authority cannot be loaded, created or used.
public enum TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The CA files exist but cannot be read or parsed (`tls_ca_unreadable`).
    case unreadable(path: String, reason: String)
    /// The CA files cannot be written (`tls_ca_unwritable`).
    case unwritable(path: String, reason: String)
    /// A certificate or key could not be made (`tls_issue_failed`).
    case issueFailed(String)
    /// The host name is not one Port Daddy serves, or the CA's name constraints do not cover it (`tls_name_refused`).
    case nameRefused(String)

    /// A stable code for scripts and logs.
    public var code: String {
        switch self {
        case .unreadable: return "tls_ca_unreadable"
        case .unwritable: return "tls_ca_unwritable"
        case .issueFailed: return "tls_issue_failed"
        case .nameRefused: return "tls_name_refused"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read Port Daddy's CA at \(path) (\(reason)); remove that directory (pd trust --remove first) to make a new one"
        case .unwritable(let path, let reason):
            return "cannot write Port Daddy's CA to \(path) (\(reason)); check the permissions of PORT_DADDY_HOME"
        case .issueFailed(let reason): return "cannot issue a certificate: \(reason)"
        case .nameRefused(let host):
            return "no certificate for \(host): Port Daddy only issues certificates for localhost names and its DNS domain"
        }
    }
}
