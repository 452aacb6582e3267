import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// `pd run` against the real binary: the command it becomes gets the claimed port in its arguments.
@Suite("pd run: {port} and the port flags of known dev servers")
struct RunIntegrationTests {
    /// A unique identity: parallel daemons give equal identities equal stable ports.
    static func identity(_ base: String) -> String { base + String(UInt32.random(in: 0x10000...0xFFFFF), radix: 16) }

    static func write(_ text: String, to path: String, executable: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { chmod(path, 0o755) }
    }

    /// A stand-in for a dev server's executable: prints its arguments and PORT, then exits.
    static let standIn = "#!/usr/bin/env python3\nimport os, sys\nprint(\"ARGV \" + \" \".join(sys.argv[1:]) + \" PORT \" + os.environ[\"PORT\"])\n"

    @Test("{port} in an argument becomes the claimed port, and stdout carries only the command's output")
    func portToken() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let script = "import os, sys; print(sys.argv[1:], os.environ['PORT'])"
        let result = try daemon.pd(["run", Self.identity("tok"), "--", "python3", "-c", script, "{port}", "--url=http://127.0.0.1:{port}/"])
        #expect(result.status == 0, "\(result.stderr)")
        let port = try #require(result.output.split(separator: " ").last.map(String.init))
        #expect(result.output == "['\(port)', '--url=http://127.0.0.1:\(port)/'] \(port)")
    }

    /// a recognized dev server gets --port, --strictPort and --host (directly and through an npm script), --verbose
    /// says so on stderr, --no-inject turns it off
    @Test("a recognized dev server gets --port, --strictPort and --host; --verbose says so; --no-inject turns it off")
    func standInVite() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let root = daemon.home + "/web"
        try Self.write(Self.standIn, to: root + "/node_modules/.bin/vite", executable: true)
        try Self.write(#"{"name": "web", "scripts": {"dev": "vite"}}"#, to: root + "/package.json")
        let path = root + "/node_modules/.bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let id = Self.identity("vite")
        let direct = try daemon.pd(["run", id, "--verbose", "--", "vite"], environment: ["PATH": path])
        #expect(direct.status == 0, "\(direct.stderr)")
        let port = try #require(direct.output.split(separator: " ").last.map(String.init))
        #expect(direct.output == "ARGV --port \(port) --strictPort --host 127.0.0.1 PORT \(port)")
        #expect(direct.stderr.contains("vite: added --port \(port) --strictPort --host 127.0.0.1"), "\(direct.stderr)")
        let off = try daemon.pd(["run", id, "--no-inject", "--", "vite"], environment: ["PATH": path])
        #expect(off.output == "ARGV  PORT \(port)")
        let given = try daemon.pd(["run", id, "--", "vite", "--port", "1234"], environment: ["PATH": path])
        #expect(given.output == "ARGV --port 1234 PORT \(port)")
    }

    @Test("npm run dev, whose script is vite, gets the flags after --", .enabled(if: onPath("npm") != nil, "npm is not installed"))
    func npmScript() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let root = daemon.home + "/web"
        try Self.write(Self.standIn, to: root + "/node_modules/.bin/vite", executable: true)
        try Self.write(#"{"name": "web", "scripts": {"dev": "vite"}}"#, to: root + "/package.json")
        let result = try Self.pd(daemon, in: root, ["run", Self.identity("npm"), "--", "npm", "run", "--silent", "dev"])
        #expect(result.status == 0, "\(result.stderr)")
        let port = try #require(result.output.split(separator: " ").last.map(String.init))
        #expect(result.output == "ARGV --port \(port) --strictPort --host 127.0.0.1 PORT \(port)", "\(result.stdout)\(result.stderr)")
    }

    @Test(
        "a real uvicorn or flask with no port flag listens on the claimed port",
        arguments: [
            (
                "app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/hello\")\ndef hello():\n    return \"hello\"\n",
                ["uvicorn", "app.main:app"]
            ),
            (
                "app.py", "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route(\"/hello\")\ndef hello():\n    return \"hello\"\n",
                ["flask", "--app", "app", "run"]
            ),
        ])
    func realServer(file: String, source: String, command: [String]) throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let root = daemon.home + "/svc"
        try Self.write(source, to: root + "/" + file)
        if file.hasPrefix("app/") { try Self.write("", to: root + "/app/__init__.py") }
        let bin = (try TestDependencies.python() as NSString).deletingLastPathComponent
        let id = Self.identity("real")
        let port = try #require(Int(try daemon.pd(["claim", id, "-q"]).output))
        let environment = daemon.environment.merging(["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")]) { $1 }
        let server = try RunningCommand(
            "/usr/bin/env", ["-C", root, daemon.binary, "run", id, "--verbose", "--"] + command, environment: environment)
        defer {
            kill(server.pid, SIGKILL)
            _ = server.wait()
        }
        var answer = ""
        let up = try eventually {
            let get = try CommandResult.run(
                bin + "/python",
                ["-c", "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/hello', timeout=5).read().decode())"],
                environment: environment)
            answer = get.output
            return get.status == 0 || Subprocess.poll(server.pid) != nil
        }
        #expect(up && answer.contains("hello"), "\(server.outputSoFar)")
        #expect(server.outputSoFar.contains("added --port \(port) --host 127.0.0.1"), "\(server.outputSoFar)")
    }

    /// Runs `pd` in `directory` (through `env -C`: no shell).
    static func pd(_ daemon: TestDaemon, in directory: String, _ arguments: [String]) throws -> CommandResult {
        try CommandResult.run("/usr/bin/env", ["-C", directory, daemon.binary] + arguments, environment: daemon.environment)
    }

    static func onPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }
}
