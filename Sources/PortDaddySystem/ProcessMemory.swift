import CPortDaddySystem

/// The process's memory.
public enum ProcessMemory {
    /// Hands freed heap pages back to the OS, so a burst (a subscriber storm) does not leave RSS high.
    public static func releaseFreePages() { pd_release_free_memory() }

    /// Unmaps the executable's code pages from this process (they stay in the page cache and come back on their
    /// next use as minor faults), so code that ran once — start-up, a burst of requests — stops counting in RSS.
    /// Only the never-written code segment is touched. Returns the bytes released (0 where unsupported).
    @discardableResult
    public static func releaseCodePages() -> Int { Int(pd_release_code_pages()) }
}
