import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Harbors through the real `pd` and daemon.
@Suite("Harbors across real processes")
struct HarborIntegrationTests {
    @Test("a closed harbor refuses a non-member's out (exit 7) until it enters; PD_HARBOR is the default harbor")
    func closed() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let alice = ["PD_AGENT_ID": "alice"], bob = ["PD_AGENT_ID": "bob"]
        #expect(try daemon.pd(["harbor", "create", "crew", "--closed"], environment: alice).status == 0)
        let refused = try daemon.pd(["tuple", "out", #"["plan"]"#, "--harbor", "crew"], environment: bob)
        #expect(refused.status == 7 && refused.stderr.contains("not a member"), "\(refused.stderr)")
        let spray = try daemon.pd(
            ["pheromone", "spray", "--kind", "custom", "--id", "x", "--key", "k", "--strength", "0.5"],
            environment: bob.merging(["PD_HARBOR": "crew"]) { $1 })
        #expect(spray.status == 7)
        #expect(try daemon.pd(["tuple", "out", #"["plan"]"#], environment: alice.merging(["PD_HARBOR": "crew"]) { $1 }).status == 0)
        #expect(try daemon.pd(["harbor", "enter", "crew"], environment: bob).status == 0)
        #expect(try daemon.pd(["tuple", "out", #"["plan"]"#, "--harbor", "crew"], environment: bob).status == 0)
        let show = try JSONDecoder().decode(HarborInfo.self, from: Data(try daemon.pd(["harbor", "show", "crew", "--json"]).stdout.utf8))
        #expect(show.closed && show.members.map(\.agent) == ["alice", "bob"] && show.tuples == 2)
        #expect(try daemon.pd(["tuple", "rd", #"["plan"]"#]).status == 5)  // global does not see crew's tuples
        let list = try JSONDecoder().decode(HarborsResponse.self, from: Data(try daemon.pd(["harbors", "--json"]).stdout.utf8))
        #expect(list.harbors.map(\.name) == ["crew", "global"])
        #expect(try daemon.pd(["harbor", "destroy", "crew"]).output == "destroyed crew: 2 tuples, 0 pheromones")
    }

    @Test("an ephemeral harbor's tuples vanish when its only member's agent is declared dead")
    func ephemeralDies() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let ghost = ["PD_AGENT_ID": "ghost"]
        #expect(try daemon.pd(["agent", "register", "--ttl", "1s"], environment: ghost).status == 0)
        #expect(try daemon.pd(["harbor", "create", "scratch", "--ephemeral"], environment: ghost).status == 0)
        #expect(try daemon.pd(["tuple", "out", #"["wip",1]"#, "--harbor", "scratch"], environment: ghost).status == 0)
        #expect(try daemon.pd(["tuple", "rd", #"["wip","*"]"#, "--harbor", "scratch"]).status == 0)
        #expect(try eventually { try daemon.pd(["tuple", "rd", #"["wip","*"]"#, "--harbor", "scratch"]).status == 5 })
        let show = try JSONDecoder().decode(HarborInfo.self, from: Data(try daemon.pd(["harbor", "show", "scratch", "--json"]).stdout.utf8))
        #expect(!show.declared && show.tuples == 0)
        #expect(try daemon.pd(["activity", "--json"]).stdout.contains("harbor.destroy"))
    }
}
