/// Paths of the daemon's HTTP API.
public enum Routes {
    // v1, kept compatible with the first Port Daddy README.
    public static let v1Request = "/ports/request"
    public static let v1Release = "/ports/release"
    public static let v1Active = "/ports/active"
    public static let v1Cleanup = "/ports/cleanup"
    public static let health = "/health"
    // pd
    public static let claim = "/claim"
    public static let release = "/release"
    public static let services = "/services"
    public static let status = "/status"
    public static let diagnostics = "/diagnostics"
    public static let locks = "/locks"
    public static let channels = "/channels"
}

/// Header carrying the PID that should own a claim.
public enum Headers {
    public static let pid = "X-PID"
}
