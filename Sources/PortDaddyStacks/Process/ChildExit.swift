import Foundation
import PortDaddyCore
import PortDaddyStackConfig

/// How a child process ended.
public struct ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// The exit code, or `nil` when a signal ended it.
    public var code: Int32?
    /// The signal that ended it, if any.
    public var signal: Int32?

    /// The shell's convention: the code, or 128 + the signal.
    public var shellCode: Int32 { code ?? (128 + (signal ?? 0)) }
    public var succeeded: Bool { code == 0 }

    public var description: String {
        if let code { return "exited with code \(code)" }
        return "killed by signal \(signal ?? 0)"
    }

    init(waitStatus status: Int32) {
        let sig = status & 0x7f
        if sig == 0 {
            code = (status >> 8) & 0xff
            signal = nil
        } else {
            code = nil
            signal = sig
        }
    }
}

/// Waits for a child's exit without blocking the concurrency pool: one short-lived thread per child, parked in
/// `waitpid`. Stacks hold a handful of children, and a parked thread costs no CPU.
public enum ChildExit {
    /// Suspends until `pid` (a child of this process) exits, and reaps it.
    public static func wait(_ pid: Int32) async -> ExitStatus {
        await withCheckedContinuation { (continuation: CheckedContinuation<ExitStatus, Never>) in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    if errno != EINTR {
                        continuation.resume(returning: ExitStatus(code: nil, signal: SIGKILL))
                        return
                    }
                }
                continuation.resume(returning: ExitStatus(waitStatus: status))
            }
            thread.stackSize = 64 * 1024
            thread.name = "pd-wait-\(pid)"
            thread.start()
        }
    }
}

extension ExitStatus {
    init(code: Int32?, signal: Int32?) {
        self.code = code
        self.signal = signal
    }
}
