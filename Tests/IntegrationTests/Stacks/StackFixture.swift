import Foundation
import PortDaddyAPI
import PortDaddyTesting

/// A project on disk for stack tests: a `.portdaddyrc` and a small Python HTTP service (`svc.py`) that records
/// what it saw at start (its port, its siblings' variables, whether each dependency was already accepting
/// connections) in `<service>.json`, then serves `/` and `/health` with 200 and anything else with 404.
/// Every process of the stack inherits a unique marker variable, so the tests find them all in the process
/// table (grandchildren included) and clean them up. The project name gets a random suffix: tests run in
/// parallel, each with its own daemon, and equal identities would get equal stable ports from two daemons.
struct StackFixture {
    let daemon: TestDaemon
    let root: String
    let marker = UUID().uuidString
    var project = ""

    static let service = """
        import http.server, json, os, socket, sys
        name = os.environ["PD_SERVICE"]
        seen = {"port": os.environ.get("PORT"),
                "env": {k: v for k, v in os.environ.items() if k.endswith("_PORT") or k.endswith("_URL")}, "depsUp": {}}
        for dep in sys.argv[1:]:
            try:
                socket.create_connection(("127.0.0.1", int(os.environ[dep.upper() + "_PORT"])), timeout=1).close()
                seen["depsUp"][dep] = True
            except OSError:
                seen["depsUp"][dep] = False
        seen["files"] = {f: os.path.exists(f) for f in os.environ.get("PDTEST_CHECK_FILES", "").split(",") if f}
        with open(name + ".json.tmp", "w") as f:
            json.dump(seen, f)
        os.rename(name + ".json.tmp", name + ".json")
        print(name + " listening on " + os.environ["PORT"], flush=True)
        print(name + " warning on stderr", file=sys.stderr, flush=True)
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path in ("/", "/health") else 404)
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args):
                pass
        http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """

    init(daemon: TestDaemon, name: String = "shop", config: [String: Any]) throws {
        self.daemon = daemon
        root = daemon.home + "/" + name
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.service.write(toFile: root + "/svc.py", atomically: true, encoding: .utf8)
        project = (config["project"] as? String ?? "p") + String(UInt16.random(in: 4096...65535), radix: 16)
        var unique = config
        unique["project"] = project
        try write(config: unique)
    }

    init(daemon: TestDaemon, root: String) {
        self.daemon = daemon
        self.root = root
    }

    func write(config: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: root + "/.portdaddyrc"))
    }

    /// Runs `pd <args> -C <root>` with the marker in its environment.
    @discardableResult
    func pd(_ arguments: [String]) throws -> CommandResult {
        try daemon.pd(arguments + ["-C", root], environment: ["PDTEST_MARKER": marker])
    }

    /// Live processes of this fixture's stacks.
    var processes: [Int32] { MarkedProcesses.pids("PDTEST_MARKER", marker) }

    /// What a service recorded at start.
    func seen(_ service: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: root + "/\(service).json") else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func stacks() throws -> [StackInfo] {
        let result = try daemon.pd(["ps", "--all", "--json"])
        return try JSONDecoder().decode(StacksResponse.self, from: Data(result.stdout.utf8)).stacks
    }

    /// Stops the daemon gracefully (which stops its stacks) and kills anything left.
    func cleanUp() {
        daemon.stop()
        MarkedProcesses.killAll("PDTEST_MARKER", marker)
    }

    /// A service running `svc.py` that checks the given dependencies.
    static func python(_ needs: [String] = [], extra: [String: Any] = [:]) -> [String: Any] {
        var service: [String: Any] = ["cmd": (["python3", "svc.py"] + needs).joined(separator: " "), "healthPath": "/health"]
        if !needs.isEmpty { service["needs"] = needs }
        for (k, v) in extra { service[k] = v }
        return service
    }
}
