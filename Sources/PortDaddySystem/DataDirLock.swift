#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exclusive `flock` on a data dir's lock file that marks a running daemon.
public enum DataDirLock {
    /// Takes the lock (creating the file 0600): the open descriptor, which holds it until closed; nil when another
    /// process holds it, or the file cannot be opened (errno says which).
    public static func acquire(_ path: String) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(fd)
            errno = reason
            return nil
        }
        return fd
    }

    /// Whether some process holds the lock right now (a missing file means no).
    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
