import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The CLI builds every path from the route table, so parameters are escaped: an id with a `/` or a space
/// reaches its route instead of the router's 404 (the salvage commands used to send it unescaped).
@Suite("Path parameters from the CLI")
struct PathEscapingIntegrationTests {
    @Test("odd agent ids reach the salvage and inbox routes: the handler answers, not the router's no-route 404")
    func escaped() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let me = ["PD_AGENT_ID": "escaper"]
        #expect(try daemon.pd(["begin", "escaping"], environment: me).status == 0)
        for command in [["salvage", "claim", "ghost/agent"], ["salvage", "complete", "ghost agent"], ["salvage", "dismiss", "a?b#c"]] {
            let result = try daemon.pd(command, environment: me)
            #expect(!result.stderr.contains("no route"), "\(command): \(result.stderr)")
        }
        // An agent id with a slash is refused by the inbox itself (INVALID_AGENT, exit 2), not by the router.
        let sent = try daemon.pd(["inbox", "send", "odd/agent", "hello"], environment: me)
        #expect(sent.status == 2 && sent.stderr.contains("agent") && !sent.stderr.contains("no route"), "\(sent.stderr)")
    }
}
