#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a program could not be started.
public enum LaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program is not in `PATH` (or the path given is not executable).
    case notFound(String)
    /// The working directory does not exist.
    case directory(String)
    /// The system refused to start it (the errno says why).
    case spawn(String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound(let name): return "\"\(name)\" was not found in PATH"
        case .directory(let dir): return "working directory \(dir) does not exist"
        case .spawn(let name, let code): return "cannot start \(name): \(String(cString: strerror(code)))"
        }
    }
}
