import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// `/sugar/begin`, `/sugar/done` and `/sugar/whoami`: the later reference's names for `POST /sessions`,
/// `POST /sessions/current/done` and `GET /whoami`, served by the same handlers with the same trust.
@Suite("sugar route aliases")
struct SugarRouteTests {
    func send(_ client: PortDaddyClient, _ method: String, _ path: String, agent: String, _ body: String? = nil) throws -> (Int, [String: Any], Data)
    {
        let response = try client.send(
            method, path, body: body.map { Array($0.utf8) }, headers: [(AgentHeader.name, agent), ("Content-Type", "application/json")])
        let data = Data(response.body)
        return (response.status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:], data)
    }

    @Test("begin, whoami and done answer through /sugar/… as through the original routes")
    func sameAnswers() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = daemon.client()
        let sugar = try send(client, "POST", "/sugar/begin", agent: "sugar-1", #"{"purpose":"fix login","agent":"sugar-1","identity":"sugar:one"}"#)
        let plain = try send(client, "POST", "/sessions", agent: "sugar-2", #"{"purpose":"fix login","agent":"sugar-2","identity":"sugar:two"}"#)
        #expect(sugar.0 == plain.0 && (200..<300).contains(sugar.0), "\(sugar.1) \(plain.1)")
        #expect(Set(sugar.1.keys) == Set(plain.1.keys))
        let began = try JSONDecoder().decode(BeginResponse.self, from: sugar.2)
        #expect(began.agentID == "sugar-1" && began.session.purpose == "fix login" && began.session.identity == "sugar:one")
        #expect(began.port != nil, "begin with an identity claims its port")

        let whoamiSugar = try send(client, "GET", "/sugar/whoami", agent: "sugar-1")
        let whoamiPlain = try send(client, "GET", "/whoami", agent: "sugar-1")
        #expect(whoamiSugar.0 == 200 && whoamiPlain.0 == 200)
        let a = try JSONDecoder().decode(WhoamiResponse.self, from: whoamiSugar.2)
        let b = try JSONDecoder().decode(WhoamiResponse.self, from: whoamiPlain.2)
        #expect(a.agentID == b.agentID && a.session == b.session && a.session?.id == began.session.id)
        #expect(a.agent?.id == b.agent?.id && a.agent?.id == "sugar-1")

        let doneSugar = try send(client, "POST", "/sugar/done", agent: "sugar-1", #"{"note":"shipped"}"#)
        let donePlain = try send(client, "POST", "/sessions/current/done", agent: "sugar-2", #"{"note":"shipped"}"#)
        #expect(doneSugar.0 == 200 && donePlain.0 == 200, "\(doneSugar.1) \(donePlain.1)")
        #expect(Set(doneSugar.1.keys) == Set(donePlain.1.keys))
        let ended = try JSONDecoder().decode(SessionInfo.self, from: doneSugar.2)
        let endedPlain = try JSONDecoder().decode(SessionInfo.self, from: donePlain.2)
        #expect(ended.id == began.session.id && ended.state == endedPlain.state && ended.endedAt != nil)
        // Nothing current any more, either way.
        let again = try send(client, "POST", "/sugar/done", agent: "sugar-1", "{}")
        let againPlain = try send(client, "POST", "/sessions/current/done", agent: "sugar-1", "{}")
        #expect(again.0 == againPlain.0 && again.1["code"] as? String == againPlain.1["code"] as? String && again.0 >= 400)
    }

    @Test("the aliases keep the originals' trust: a foreign Origin gets 403, an unidentified TCP peer without the token 401")
    func sameTrust() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PEER_LOOKUP": "off"])
        let info = try daemon.start()
        let client = daemon.client()
        for (method, path) in [("POST", "/sugar/begin"), ("POST", "/sugar/done"), ("GET", "/sugar/whoami")] {
            let foreign = try client.send(
                method, path, body: method == "POST" ? Array(#"{"purpose":"x","agent":"evil"}"#.utf8) : nil,
                headers: [("Origin", "http://evil.example"), ("Content-Type", "application/json")])
            #expect(foreign.status == 403, "\(path): \(foreign.status)")
        }
        let base = "http://127.0.0.1:\(info.tcpPort)"
        func curl(_ arguments: [String]) throws -> Int {
            let result = try CommandResult.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}"] + arguments, environment: [:])
            return Int(result.stdout) ?? -1
        }
        #expect(try curl([base + "/whoami", "-H", "X-PD-Agent: a"]) == 401)
        #expect(try curl([base + "/sugar/whoami", "-H", "X-PD-Agent: a"]) == 401)
        let begin = ["-X", "POST", "-H", "Content-Type: application/json", "-d", #"{"purpose":"x","agent":"a"}"#]
        #expect(try curl(begin + [base + "/sessions"]) == 401)
        #expect(try curl(begin + [base + "/sugar/begin"]) == 401)
        #expect(try curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", "{}", base + "/sugar/done"]) == 401)
    }
}
