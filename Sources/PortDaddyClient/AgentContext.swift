import PortDaddyAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which agent a command acts for.
///
/// `PD_AGENT_ID` when set. Otherwise the Unix session `pd` runs in (`getsid`): every terminal tab, and every
/// process an AI tool spawns from one terminal, shares one session, and two terminals never do; the session
/// leader's start time is part of the id so a recycled session id never inherits an old agent.
public enum AgentContext {
    /// The agent id for this process.
    public static func current() -> String {
        if let explicit = PortDaddyEnvironment.value("PD_AGENT_ID") { return explicit }
        let sid = getsid(0)
        guard sid > 0 else { return "proc-\(getppid())" }
        return "term-\(sid)-\(leaderStart(sid))"
    }

    static func leaderStart(_ sid: pid_t) -> String {
        #if os(Linux)
        let fd = open("/proc/\(sid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "0" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let close = buffer[0..<n].lastIndex(of: UInt8(ascii: ")")) else { return "0" }
        let fields = buffer[(close + 1)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 19, let ticks = UInt64(String(decoding: fields[19], as: UTF8.self)) else { return "0" }
        return String(ticks, radix: 36)
        #else
        return "0"
        #endif
    }
}
