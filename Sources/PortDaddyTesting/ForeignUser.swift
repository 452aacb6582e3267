import Foundation

/// A second local user for the multi-user tests, made once with `useradd` (tests run as root in CI; elsewhere
/// they are skipped with the reason). Commands run as it through `setpriv`, never through a shell.
public enum ForeignUser {
    public static let name = "pdtest-foreign"
    private static let lock = NSLock()

    /// The user's UID, creating the user when needed; nil with the reason when this machine cannot.
    public static func ensure() -> (uid: UInt32?, reason: String) {
        lock.lock()
        defer { lock.unlock() }
        guard getuid() == 0 else { return (nil, "making a second user needs root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"), FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        else {
            return (nil, "useradd or setpriv is missing")
        }
        if let uid = lookUp() { return (uid, "") }
        let made = try? CommandResult.run("/usr/sbin/useradd", ["-M", "-s", "/usr/sbin/nologin", name], environment: [:])
        guard made?.status == 0, let uid = lookUp() else { return (nil, "useradd failed: \(made?.stderr ?? "")") }
        return (uid, "")
    }

    static func lookUp() -> UInt32? {
        guard let entry = getpwnam(name) else { return nil }
        return entry.pointee.pw_uid
    }

    /// Runs a program as the foreign user.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try CommandResult.run(
            "/usr/bin/setpriv", ["--reuid=\(name)", "--regid=\(name)", "--clear-groups", program] + arguments,
            environment: environment.isEmpty ? ["PATH": "/usr/bin:/bin"] : environment)
    }
}
