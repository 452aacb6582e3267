import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Names: pd url and the DNS responder, with real clients")
struct NameIntegrationTests {
    func dig(_ port: Int, _ args: [String]) throws -> CommandResult {
        try CommandResult.run(
            "/usr/bin/env", ["dig", "@127.0.0.1", "-p", String(port), "+time=2", "+tries=1"] + args, environment: ProcessInfo.processInfo.environment)
    }

    @Test("pd url gives a *.localhost URL that reaches the service with no setup")
    func url() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = try daemon.pd(["claim", "shop:api", "-q"]).output
        #expect(try daemon.pd(["url", "shop:api"]).output == "http://api.shop.localhost:\(port)/")
        #expect(try daemon.pd(["url", "shop:none"]).status == 5)
        // A real backend on the claimed port, reached by name (curl maps *.localhost to loopback).
        let dir = daemon.home + "/www"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "hello from shop:api".write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
        let server = try RunningCommand(
            "/usr/bin/env", ["python3", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", dir],
            environment: ProcessInfo.processInfo.environment)
        defer {
            kill(server.pid, SIGKILL)
            _ = server.wait()
        }
        #expect(
            try eventually {
                try CommandResult.run("/usr/bin/env", ["curl", "-s", "--max-time", "2", "http://api.shop.localhost:\(port)/"], environment: [:])
                    .stdout.contains("hello from shop:api")
            })
    }

    @Test("the DNS responder answers A/AAAA for claimed names, NXDOMAIN and REFUSED otherwise, over UDP and TCP, and survives garbage")
    func dns() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_DNS_PORT": "auto", "PORT_DADDY_DNS_DOMAIN": "pd.test"])
        let info = try daemon.start()
        let dnsPort = try #require(info.dnsPort)
        #expect(info.dnsDomain == "pd.test")
        _ = try daemon.pd(["claim", "shop:api", "-q"])
        #expect(try dig(dnsPort, ["api.shop.pd.test", "A", "+short"]).output == "127.0.0.1")
        #expect(try dig(dnsPort, ["API.Shop.pd.test", "AAAA", "+short"]).output == "::1")
        #expect(try dig(dnsPort, ["+tcp", "api.shop.pd.test", "A", "+short"]).output == "127.0.0.1")
        #expect(try dig(dnsPort, ["web.shop.pd.test", "A"]).stdout.contains("status: NXDOMAIN"))
        #expect(try dig(dnsPort, ["example.com", "A"]).stdout.contains("status: REFUSED"))
        // Malformed packets: none may crash the responder.
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(dnsPort).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        var garbage: [[UInt8]] = [
            [], [0], [0x12, 0x34, 1, 0, 0, 1] + [UInt8](repeating: 0, count: 6) + [0xC0, 0x0C, 0, 1, 0, 1], [UInt8](repeating: 0xFF, count: 12),
        ]
        garbage.append([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63] + Array("abc".utf8))
        garbage.append([0x12, 0x34, 1, 0, 0, 2] + [UInt8](repeating: 0, count: 6))
        for _ in 0..<200 { garbage.append((0..<Int.random(in: 0...600)).map { _ in UInt8.random(in: 0...255) }) }
        for packet in garbage {
            _ = packet.withUnsafeBytes { raw in
                withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }
        #expect(try dig(dnsPort, ["api.shop.pd.test", "A", "+short"]).output == "127.0.0.1")
        #expect(try daemon.client().health().status == "ok")
    }

    @Test("pd dns setup writes the resolver drop-in for the running responder, status checks it, teardown removes it")
    func dnsSetup() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_DNS_PORT": "auto", "PORT_DADDY_DNS_DOMAIN": "pd.test"])
        let info = try daemon.start()
        let root = daemon.home + "/root"
        let dry = try daemon.pd(["dns", "setup", "--dry-run", "--root", root])
        #expect(dry.stdout.contains("127.0.0.1:\(info.dnsPort ?? 0)") || dry.stdout.contains("port \(info.dnsPort ?? 0)"))
        #expect(try daemon.pd(["dns", "status", "--root", root]).status == 5)
        #expect(try daemon.pd(["dns", "setup", "--root", root]).status == 0)
        let status = try daemon.pd(["dns", "status", "--root", root])
        #expect(status.status == 0)
        #expect(status.stdout.contains("points here"))
        #expect(try daemon.pd(["dns", "teardown", "--root", root]).status == 0)
        #expect(try daemon.pd(["dns", "status", "--root", root]).status == 5)
        // Without a responder, setup explains how to start one.
        let plain = try TestDaemon()
        try plain.start()
        #expect(try plain.pd(["dns", "setup", "--dry-run"]).stderr.contains("PORT_DADDY_DNS_PORT"))
    }
}
