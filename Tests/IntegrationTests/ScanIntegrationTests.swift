import Foundation
import PortDaddyAPI
import PortDaddyStackConfig
import PortDaddyTesting
import Testing

@Suite("pd scan on a real tree")
struct ScanIntegrationTests {
    @Test("detects the services of a monorepo, skips dependency folders, writes a valid .portdaddyrc and keeps the user's edits")
    func scan() throws {
        let daemon = try TestDaemon()
        let root = daemon.home + "/shop"
        let fm = FileManager.default
        func write(_ path: String, _ text: String) throws {
            try fm.createDirectory(atPath: (root + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
        }
        try write("web/package.json", #"{"dependencies": {"next": "15", "react": "19"}, "scripts": {"dev": "next dev"}}"#)
        try write("api/requirements.txt", "fastapi\nuvicorn\n")
        try write("api/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
        try write("web/node_modules/express/package.json", #"{"dependencies": {"express": "4"}}"#)
        let dry = try daemon.pd(["scan", root, "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!fm.fileExists(atPath: root + "/.portdaddyrc"))
        let first = try daemon.pd(["scan", root])
        #expect(first.status == 0, "\(first.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/.portdaddyrc"))
        let config = try StackConfig.parse(data)
        #expect(config.project == "shop")
        #expect(Set(config.services.keys) == ["web", "api"])
        #expect(config.services["web"]?.dir == "web")
        #expect(config.services["web"]?.cmd.contains("next") == true)
        #expect(config.services["api"]?.cmd.contains("uvicorn") == true)
        // The user's edit wins on the next scan; new services are added.
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var services = json["services"] as! [String: Any]
        services["web"] = ["cmd": "my own web command", "dir": "web"]
        json["services"] = services
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: root + "/.portdaddyrc"))
        try write("docs/config.toml", "title = \"docs\"\n")
        try write("docs/content/_index.md", "hi\n")
        _ = try daemon.pd(["scan", root])
        let merged = try StackConfig.parse(try Data(contentsOf: URL(fileURLWithPath: root + "/.portdaddyrc")))
        #expect(merged.services["web"]?.cmd == "my own web command")
        #expect(merged.services["api"] != nil)
    }

    @Test("a scan that finds nothing says so on stderr, exits 5 and writes no file")
    func findsNothing() throws {
        let daemon = try TestDaemon()
        let root = daemon.home + "/notes"
        try FileManager.default.createDirectory(atPath: root + "/drafts", withIntermediateDirectories: true)
        try "# notes\n".write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        for arguments in [["scan", root], ["scan", root, "--json"], ["scan", root, "--dry-run"]] {
            let result = try daemon.pd(arguments)
            #expect(result.status == 5, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("no known framework found under \(root)"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "\(result.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/.portdaddyrc"))
    }
}
