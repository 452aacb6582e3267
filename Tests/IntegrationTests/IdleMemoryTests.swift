import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The idle trimmer gives memory back once the daemon goes quiet, without changing what it serves.
@Suite("idle memory")
struct IdleMemoryTests {
    /// Resident KiB of the daemon executable's code mapping (`r-xp` lines of `/proc/<pid>/smaps`).
    static func residentCodeKiB(pid: Int) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps", encoding: .utf8) else { return nil }
        var total = 0
        var inCode = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 6, fields[0].contains("-") {
                inCode = fields[1] == "r-xp" && fields[5].hasSuffix("/pd-daemon")
            } else if inCode, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                total += kib
            }
        }
        return total
    }

    @Test(
        "a quiet daemon unmaps the code pages it touched, and serves the next requests as before",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps")))
    func trimsCodeWhenQuiet() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        for i in 0..<20 { #expect(try daemon.pd(["claim", "idle:svc\(i)", "-q"]).status == 0) }
        let busy = try #require(Self.residentCodeKiB(pid: info.pid))
        #expect(busy > 0, "the daemon runs as pd-daemon, whose code is mapped")
        // Quiet for a couple of seconds: the trimmer drops the code mapping (it comes back page by page on use).
        #expect(eventually(timeout: 30) { (Self.residentCodeKiB(pid: info.pid) ?? busy) < busy / 2 })
        let again = try daemon.pd(["claim", "idle:svc0", "-q"])
        #expect(again.status == 0 && !again.stdout.isEmpty)
        let services = try daemon.client().services()
        #expect(services.services.filter { $0.id.hasPrefix("idle:") }.count == 20)
    }
}
