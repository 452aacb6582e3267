import Foundation
import PortDaddyAPI
import PortDaddyCore
import Testing

@testable import PortDaddyStackConfig
@testable import PortDaddyStacks

@Suite("stack runner parts")
struct StackRunnerPartsTests {
    @Test("a plain command runs without a shell and its ${NAME} references are substituted per word")
    func plainCommand() {
        let spec = ServiceCommandLine.launch(
            "next dev -p ${PORT} --api=${API_URL}", environment: ["PORT": "3100", "API_URL": "http://localhost:3200"], directory: "/tmp")
        #expect(spec.executable == "next")
        #expect(spec.arguments == ["dev", "-p", "3100", "--api=http://localhost:3200"])
    }

    @Test("a command that uses the shell runs as /bin/sh -c exactly as written")
    func shellCommand() {
        for cmd in ["npm run dev && echo done", "FOO=1 node server.js", "echo $PORT", "python 'my app.py'", "cat a | grep b", "ls *.js"] {
            let spec = ServiceCommandLine.launch(cmd, environment: ["PORT": "1"], directory: "/tmp")
            #expect(spec.executable == "/bin/sh", "\(cmd)")
            #expect(spec.arguments == ["-c", cmd])
        }
    }

    @Test("the environment bundle names every sibling's port and URL, and gives each service its own PORT")
    func bundle() throws {
        let ids = [
            "web": try Identity(parsing: "shop:web:main"), "api-gw": try Identity(parsing: "shop:api-gw:main"),
            "worker": try Identity(parsing: "shop:worker:main"),
        ]
        let env = StackEnvironment(
            stackKey: "shop:main", identities: ids, ports: ["web": 3100, "api-gw": 3200], namedURL: { "http://\(HostNames.name(of: $0)):1380" })
        let names = env.shared.map(\.name)
        #expect(names == ["API_GW_PORT", "API_GW_URL", "API_GW_NAMED_URL", "WEB_PORT", "WEB_URL", "WEB_NAMED_URL"])
        let web = env.processEnvironment(for: "web", inherited: ["PATH": "/bin", "PORT": "9"], configured: ["NODE_ENV": "development"])
        #expect(web["PORT"] == "3100")
        #expect(web["PATH"] == "/bin" && web["NODE_ENV"] == "development")
        #expect(web["API_GW_URL"] == "http://localhost:3200")
        #expect(web["PD_URL"] == "http://main.web.shop.localhost:1380")
        #expect(web["PD_HOSTS"] == "localhost,127.0.0.1,[::1],main.web.shop.localhost")
        let withDNS = StackEnvironment(
            stackKey: "shop:main", identities: ids, ports: ["web": 3100], namedURL: { _ in nil }, domains: ["localhost", "pd.test"])
        #expect(
            withDNS.processEnvironment(for: "web", inherited: [:], configured: [:])["PD_HOSTS"]
                == "localhost,127.0.0.1,[::1],main.web.shop.localhost,main.web.shop.pd.test")
        let worker = env.processEnvironment(for: "worker", inherited: [:], configured: [:])
        #expect(worker["PORT"] == nil && worker["PD_IDENTITY"] == "shop:worker:main")
    }

    @Test("worktree contexts: the branch of HEAD, the folder when detached, DNS-safe")
    func contexts() throws {
        #expect(WorktreeContext.sanitize("feature/Login_Form") == "feature-login-form")
        #expect(WorktreeContext.sanitize("///") == nil)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("wt-\(UUID().uuidString)")
        let main = base.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: main.appendingPathComponent(".git/worktrees/second"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: main.appendingPathComponent("apps/web"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        try "ref: refs/heads/main\n".write(to: main.appendingPathComponent(".git/HEAD"), atomically: true, encoding: .utf8)
        #expect(WorktreeContext.detect(from: main.appendingPathComponent("apps/web").path) == "main")
        let second = base.appendingPathComponent("second-checkout")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try "gitdir: \(main.path)/.git/worktrees/second\n".write(to: second.appendingPathComponent(".git"), atomically: true, encoding: .utf8)
        try "4b825dc642cb6eb9a060e54bf8d69288fbee4904\n".write(
            to: main.appendingPathComponent(".git/worktrees/second/HEAD"), atomically: true, encoding: .utf8)
        #expect(WorktreeContext.detect(from: second.path) == "second-checkout")
        #expect(WorktreeContext.detect(from: "/") == nil)
    }

    @Test("the feed keeps the last lines per service and replays after a cursor without gaps")
    func feed() async {
        let feed = StackFeed()
        for i in 1...(StackFeed.linesPerService + 10) { feed.append(kind: "log", service: "web", stream: "out", text: "line \(i)") }
        feed.append(kind: "log", service: "api", stream: "err", text: "api line")
        let web = feed.lines(service: "web", limit: 5000)
        #expect(web.count == StackFeed.linesPerService)
        #expect(web.first?.text == "line 11")
        #expect(feed.lines(service: nil, limit: 2).map(\.text) == ["line \(StackFeed.linesPerService + 10)", "api line"])
        let follower = feed.follow(after: feed.cursor - 1)
        #expect(follower.replay.map(\.text) == ["api line"])
        feed.append(kind: "state", service: "web", stream: "ready", text: "ready")
        feed.finish()
        var live: [String] = []
        for await event in follower.live { live.append(event.text) }
        #expect(live == ["ready"])
    }

    @Test("restart delays double from the base up to the cap")
    func backoff() {
        var settings = StackSettings()
        settings.baseBackoff = .seconds(1)
        settings.maxBackoff = .seconds(5)
        let delays = (1...5).map { StackSupervisorBackoff.delay($0, settings) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }
}

@Suite("process output")
struct OutputLinesTests {
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        var ended = false
    }

    @Test("partial lines wait for their newline; the last one is flushed at end of file; CRLF is trimmed")
    func partialLines() async throws {
        var fds: [Int32] = [0, 0]
        // Close-on-exec: other tests spawn processes meanwhile, and a child holding the write end would keep
        // the end of file from ever coming.
        #expect(ProcessLauncher.makePipe(&fds))
        let got = Collected()
        _ = OutputLines(
            fd: fds[0], onLine: { line in got.lock.withLock { got.lines.append(line) } }, onEnd: { got.lock.withLock { got.ended = true } })
        func write(_ text: String) { _ = text.withCString { Glibc.write(fds[1], $0, strlen($0)) } }
        write("hel")
        try await Task.sleep(for: .milliseconds(50))
        #expect(got.lock.withLock { got.lines.isEmpty })
        write("lo\r\nwor")
        write("ld\nlast without newline")
        close(fds[1])
        for _ in 0..<3000 where !got.lock.withLock({ got.ended }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(got.lock.withLock { got.ended })
        #expect(got.lock.withLock { got.lines } == ["hello", "world", "last without newline"])
    }

    @Test("an endless line is cut into 16 KiB pieces, never inside a UTF-8 character")
    func longLines() async throws {
        var fds: [Int32] = [0, 0]
        #expect(ProcessLauncher.makePipe(&fds))
        let got = Collected()
        _ = OutputLines(
            fd: fds[0], onLine: { line in got.lock.withLock { got.lines.append(line) } }, onEnd: { got.lock.withLock { got.ended = true } })
        let text = String(repeating: "x", count: 40_000) + String(repeating: "é", count: 20_000) + "\n"
        let bytes = Array(text.utf8)
        let writeEnd = fds[1]
        DispatchQueue.global().async {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, min($0.count, 7000)) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        for _ in 0..<3000 where !got.lock.withLock({ got.ended }) { try await Task.sleep(for: .milliseconds(10)) }
        let lines = got.lock.withLock { got.lines }
        #expect(lines.allSatisfy { $0.utf8.count <= OutputLines.maxLine })
        #expect(lines.joined() == String(text.dropLast()))
        #expect(!lines.contains { $0.contains("\u{FFFD}") })
    }
}
