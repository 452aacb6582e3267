#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A finished short-lived helper program (git, lsof, systemctl, the desktop opener): its exit code and stdout.
public struct CapturedRun: Sendable {
    public var status: Int32
    public var stdout: String

    /// Runs `executable` (looked up in PATH) with `arguments` through ``ChildLauncher`` — clean signal state, no
    /// inherited descriptors, never a shell — with stdin on /dev/null, and collects its stdout (and its stderr too
    /// with `includingStderr`, else stderr goes to /dev/null).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], includingStderr: Bool = false
    ) throws(LaunchError) -> CapturedRun {
        guard let pipe = ChildLauncher.pipe() else { throw .spawn(executable, errno: errno) }
        let pid: pid_t
        do {
            defer { close(pipe.write) }
            pid = try ChildLauncher.spawn(
                ChildSpec(
                    executable: executable, arguments: arguments, environment: environment, stdout: .descriptor(pipe.write),
                    stderr: includingStderr ? .descriptor(pipe.write) : .null, group: .parent))
        } catch {
            close(pipe.read)
            throw error
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        close(pipe.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return CapturedRun(status: ChildLauncher.exitCode(fromWaitStatus: status), stdout: String(decoding: bytes, as: UTF8.self))
    }
}
