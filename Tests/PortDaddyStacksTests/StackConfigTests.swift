import Foundation
import PortDaddyCore
import Testing

@testable import PortDaddyStackConfig
@testable import PortDaddyStacks

@Suite(".portdaddyrc validation")
struct StackConfigTests {
    func parse(_ json: String) throws(StackConfigErrors) -> StackConfig { try StackConfig.parse(Data(json.utf8)) }

    @Test("a valid stack parses, with its start order by needs")
    func valid() throws {
        let config = try parse(
            """
            {"project": "shop", "services": {
              "db": {"cmd": "postgres -p ${PORT}", "healthCmd": ["pg_isready"]},
              "api": {"cmd": "npm run dev", "dir": "api", "needs": ["db"], "healthPath": "/health", "restart": "on-failure",
                      "readyTimeout": "90s", "env": {"A": "1"}},
              "web": {"cmd": "npm run dev", "dir": "web", "needs": ["api"], "port": 3000},
              "worker": {"cmd": "node worker.js", "noPort": true, "needs": ["db"]}
            }}
            """)
        #expect(config.project == "shop")
        #expect(config.startOrder == [["db"], ["api", "worker"], ["web"]])
        #expect(config.services["api"]?.readyTimeoutSeconds == 90)
        #expect(config.services["api"]?.restart == .onFailure)
    }

    @Test("every problem is reported with its JSON path")
    func problems() {
        do {
            _ = try parse(
                """
                {"project": "Bad Name", "extra": 1, "services": {
                  "web": {"cmd": "", "needs": ["apii", 3], "port": 70000, "healthPath": "health", "restart": "sometimes", "colour": "red"},
                  "Web2": {"cmd": "x"},
                  "job": {"cmd": "x", "oneshot": true, "restart": "always", "needs": ["db", "db"], "restartLimit": -1},
                  "db": {"cmd": "x", "oneshot": "yes"},
                  "api-gw": {"cmd": "x"}, "api_gw": {"cmd": "x"}, "9lives": {"cmd": "x"}, "pd": {"cmd": "x"}
                }}
                """)
            Issue.record("expected errors")
        } catch {
            let p = error.problems
            #expect(p.contains("extra: unknown key (expected project, services, agents, guard)"))
            #expect(p.contains { $0.hasPrefix("project:") })
            #expect(p.contains("services.web.cmd: required, a non-empty string"))
            #expect(p.contains(#"services.web.needs[0]: unknown service "apii""#))
            #expect(p.contains("services.web.needs[1]: must be a service name"))
            #expect(p.contains("services.web.port: must be an integer 1-65535"))
            #expect(p.contains("services.web.healthPath: must start with /"))
            #expect(p.contains("services.web.restart: must be one of no, on-failure, always"))
            #expect(p.contains { $0.hasPrefix("services.web.colour: unknown key") })
            #expect(p.contains { $0.hasPrefix("services.Web2:") })
            #expect(p.contains("services.job: a oneshot task cannot restart always (use on-failure to retry it)"))
            #expect(p.contains(#"services.job.needs[1]: "db" is listed twice"#))
            #expect(p.contains("services.job.restartLimit: must be an integer 0-1000"))
            #expect(p.contains("services.db.oneshot: must be true or false"))
            #expect(p.contains("services.api_gw: its variables API_GW_PORT/API_GW_URL would clash with those of api-gw"))
            #expect(p.contains { $0.hasPrefix("services.9lives: a service name must start with a letter") })
            #expect(p.contains("services.pd: the name pd is reserved for the supervisor's own lines"))
        }
    }

    @Test("numbers and booleans are told apart: restartLimit 0 and 1 are numbers, true is not a port, 1 is not a flag")
    func numbersAndBooleans() throws {
        let ok = try parse(
            #"{"project": "p", "services": {"a": {"cmd": "x", "restartLimit": 0, "noPort": true, "env": {"DEBUG": true, "N": 3}}, "#
                + #""b": {"cmd": "x", "restartLimit": 1, "readyTimeout": 1}}}"#
        )
        #expect(ok.services["a"]?.restartLimit == 0 && ok.services["b"]?.restartLimit == 1)
        #expect(ok.services["a"]?.noPort == true && ok.services["b"]?.readyTimeoutSeconds == 1)
        #expect(ok.services["a"]?.env == ["DEBUG": "true", "N": "3"])
        do {
            _ = try parse(
                #"{"project": "p", "services": {"a": {"cmd": "x", "port": true, "noPort": 1, "readyTimeout": false, "restartLimit": 2.5}}}"#)
            Issue.record("expected errors")
        } catch {
            #expect(error.problems.contains("services.a.port: must be an integer 1-65535"))
            #expect(error.problems.contains("services.a.noPort: must be true or false"))
            #expect(error.problems.contains { $0.hasPrefix("services.a.readyTimeout:") })
            #expect(error.problems.contains("services.a.restartLimit: must be an integer 0-1000"))
        }
    }

    @Test("dependency cycles are reported with the cycle's path")
    func cycles() {
        do {
            _ = try parse(
                """
                {"project": "p", "services": {"a": {"cmd": "x", "needs": ["b"]}, "b": {"cmd": "x", "needs": ["c"]},
                 "c": {"cmd": "x", "needs": ["a"]}, "d": {"cmd": "x"}}}
                """)
            Issue.record("expected a cycle")
        } catch {
            #expect(error.problems == ["services.a.needs: dependency cycle a → b → c → a"])
        }
    }

    @Test("malformed documents are refused clearly", arguments: ["", "[]", #"{"project": "p"}"#, #"{"project": "p", "services": {}}"#])
    func malformed(json: String) {
        #expect(throws: StackConfigErrors.self) { try parse(json) }
    }
}

@Suite(".portdaddyrc agents.defaults")
struct AgentDefaultsConfigTests {
    @Test("agents.defaults is read (budget as a string or a number) and checked key by key")
    func agentDefaults() throws {
        let good = #"{"project":"shop","services":{"web":{"cmd":"x"}},"agents":{"defaults":{"backend":"claude-cli","budget":0.5,"timeout":"30m"}}}"#
        let config = try StackConfig.parse(Data(good.utf8))
        #expect(config.agentDefaults.backend == "claude-cli" && config.agentDefaults.budget == "0.5" && config.agentDefaults.timeout == "30m")
        let bad = #"{"project":"shop","services":{"web":{"cmd":"x"}},"agents":{"defaults":{"backend":7,"colour":"red"},"more":1}}"#
        do {
            _ = try StackConfig.parse(Data(bad.utf8))
            Issue.record("a bad agents section was accepted")
        } catch {
            #expect(error.problems.contains("agents.more: unknown key (expected defaults)"))
            #expect(error.problems.contains { $0.hasPrefix("agents.defaults.colour: unknown key") })
            #expect(error.problems.contains("agents.defaults.backend: must be a non-empty string"))
        }
    }
}
