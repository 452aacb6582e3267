import Foundation
import PortDaddyTesting
import Testing

/// Every process pd starts gets a clean start: an empty signal mask, default dispositions, only stdin/stdout/stderr;
/// and a terminal's Ctrl-C (SIGINT to the foreground process group) stops it.
@Suite("Commands pd starts are well-behaved children")
struct ChildSignalTests {
    /// The descriptors a process has open.
    static func descriptors(_ pid: pid_t) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).compactMap { Int($0) }.sorted()
    }

    /// Waits for a child of `parent` whose command line starts with `prefix`.
    static func child(of parent: pid_t, running prefix: String) -> pid_t? {
        var found: pid_t?
        _ = eventually {
            found = ProcStatus.children(of: parent).first { ProcStatus.commandLine($0).hasPrefix(prefix) }
            return found != nil
        }
        return found
    }

    static func expectClean(_ pid: pid_t) throws {
        let status = try #require(ProcStatus.read(pid))
        #expect(status.blocked == 0, "SigBlk \(String(status.blocked, radix: 16))")
        // glibc's posix_spawn sets its two internal real-time signals (32 and 33, used for thread cancellation and
        // setxid) to ignored in every child it spawns, and no public call can reset them; glibc programs install
        // their own handlers for them. Every other signal must be at its default.
        let glibcInternal: UInt64 = (1 << 31) | (1 << 32)
        #expect(status.ignored & ~glibcInternal == 0, "SigIgn \(String(status.ignored, radix: 16))")
        #expect(descriptors(pid) == [0, 1, 2])
    }

    @Test("pd run: the command starts with no blocked or ignored signal and no extra descriptor, and Ctrl-C ends it")
    func runCtrlC() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let run = try daemon.spawnPD(["run", "sig:run", "--", "/bin/sleep", "300"], ownGroup: true)
        // pd run replaces itself with the command: same PID.
        #expect(eventually { ProcStatus.commandLine(run.pid).hasPrefix("/bin/sleep") })
        try Self.expectClean(run.pid)
        kill(-run.pid, SIGINT)
        #expect(run.wait().status == 128 + SIGINT)
    }

    @Test("pd with-lock: Ctrl-C reaches the command once, pd exits 130 and the lock is free again")
    func withLockCtrlC() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let holder = try daemon.spawnPD(["with-lock", "sig:lock", "--", "/bin/sleep", "300"], ownGroup: true)
        let child = try #require(Self.child(of: holder.pid, running: "/bin/sleep"))
        try Self.expectClean(child)
        kill(-holder.pid, SIGINT)
        #expect(holder.wait().status == 130)
        #expect(eventually { kill(child, 0) != 0 })
        #expect(try daemon.pd(["lock", "sig:lock"]).status == 0)
    }

    @Test("pd with-lock: a TERM sent to pd alone is forwarded, the command stops and pd exits 143")
    func withLockForwardsTerm() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let holder = try daemon.spawnPD(["with-lock", "sig:term", "--", "/bin/sleep", "300"], ownGroup: true)
        let child = try #require(Self.child(of: holder.pid, running: "/bin/sleep"))
        kill(holder.pid, SIGTERM)
        #expect(holder.wait().status == 128 + SIGTERM)
        #expect(eventually { kill(child, 0) != 0 })
    }

    @Test("pd watch --exec: the program starts clean, and Ctrl-C stops pd watch and the program")
    func watchExec() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let watcher = try daemon.spawnPD(["watch", "sig:ch", "--exec", "/bin/sleep", "300"], ownGroup: true)
        var child: pid_t?
        #expect(
            eventually {
                _ = try? daemon.pd(["pub", "sig:ch", "go"])
                child = ProcStatus.children(of: watcher.pid).first { ProcStatus.commandLine($0).hasPrefix("/bin/sleep") }
                return child != nil
            })
        let program = try #require(child)
        try Self.expectClean(program)
        kill(-watcher.pid, SIGINT)
        _ = watcher.wait()
        #expect(eventually { kill(program, 0) != 0 })
    }
}
