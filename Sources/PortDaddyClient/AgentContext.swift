import PortDaddyAPI
import PortDaddySystem

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
            guard let stat = ProcStat.read(sid) else { return "0" }
            return String(stat.startTicks, radix: 36)
        #else
            return "0"
        #endif
    }
}
