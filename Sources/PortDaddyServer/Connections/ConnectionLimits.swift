#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The daemon's descriptor budget: the soft limit raised to the hard one at start, and each listener's share of
/// it, with room kept back for the database, stack pipes and probes — and the Unix socket counted apart, so a flood
/// on TCP or the proxy never keeps the owner's socket from answering.
struct ConnectionLimits {
    /// The soft RLIMIT_NOFILE after raising it.
    let descriptors: Int
    let tcp: Int
    let proxy: Int
    let unixSocket: Int

    #if os(Linux)
        static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        static let resource = RLIMIT_NOFILE
    #endif

    /// Descriptors kept for everything that is not a client connection.
    static let reserve = 256

    /// Raises the soft limit to the hard one (the common default soft limit, 256 or 1024, is far below what a
    /// busy daemon needs) and splits it; `override` sets every listener's cap (for tests and small machines), never
    /// above a third of the budget each.
    static func configure(override: Int?) -> ConnectionLimits {
        var limit = rlimit()
        if getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max {
            var raised = limit
            // macOS refuses more than OPEN_MAX for the soft limit even when the hard one is unlimited.
            raised.rlim_cur = min(limit.rlim_max, 1 << 20)
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        let descriptors = Int(min(limit.rlim_cur, 1 << 20))
        let budget = max(64, descriptors - reserve)
        if let override {
            // Never more than the budget allows: past the descriptor limit, accept fails at once, over and over.
            let capped = min(override, budget / 3)
            return ConnectionLimits(descriptors: descriptors, tcp: capped, proxy: capped, unixSocket: capped)
        }
        return ConnectionLimits(descriptors: descriptors, tcp: budget * 2 / 5, proxy: budget * 2 / 5, unixSocket: budget / 5)
    }
}
