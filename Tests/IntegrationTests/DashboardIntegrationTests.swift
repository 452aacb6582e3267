import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("Dashboard in a real browser")
struct DashboardIntegrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    struct Report: Decodable {
        struct Contrast: Decodable {
            var checked: Int
            var min: Double
            var failures: [[String: JSONValue]]
            var dark: Bool
            var body: String
        }

        var loaded: Bool
        var live: Bool
        var claim_appeared: Bool
        var message_appeared: Bool
        var agent_appeared: Bool
        var graph_empty_state: Bool
        var graph_nodes: [String]
        var graph_edges: [String]
        var graph_changed: Bool
        var graph_stable: Bool
        var tab_nav: [String]
        var tab_nav_focus_visible: Bool
        var tab_node: String?
        var tab_node_ring: String?
        var arrow_moved_to: String?
        var focus_kept: Bool
        var enter_navigates: Bool
        var contrast: [String: Contrast]
        var screenshots: [String]
        var views_not_built: [String]
        var stack_up: Bool
        var stack_appeared: Bool
        var stack_service_stopped: Bool
        var stack_locked_without_token: Bool
        var token_left_url: Bool
        var stack_output_shown: Bool
        var stack_output_live: Bool
        var code_single_use: Bool
        var code_not_in_argv: Bool
        var streams: [String]
        var went_down: Bool
        var saw_reconnecting: Bool
        var restarted: Bool
        var live_again: Bool
        var after_restart_appeared: Bool
        var action_after_restart: Bool
        var navigations: Int
        var open_streams: Int
        var proxy_loaded: Bool
        var proxy_live: Bool
        var proxy_claim_appeared: Bool
        var proxy_action: Bool
        var proxy_streams: [String]
    }

    /// Any JSON value (for the contrast failures the report lists).
    enum JSONValue: Decodable, CustomStringConvertible {
        case number(Double)
        case text(String)
        case list([JSONValue])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Double.self) {
                self = .number(n)
            } else if let t = try? c.decode(String.self) {
                self = .text(t)
            } else {
                self = .list(try c.decode([JSONValue].self))
            }
        }
        var description: String {
            switch self {
            case .number(let n): "\(n)"
            case .text(let t): t
            case .list(let l): "\(l)"
            }
        }
    }

    func ensureBrowser() throws {
        try TestDependencies.requireCommand("chromium", "chromium-browser")
    }

    /// Runs one of the `Tests/dashboard` scripts (`SCRIPT PD_BINARY DASHBOARD_URL`) against a fresh daemon and
    /// decodes the JSON report it prints as its last line.
    func browse<Report: Decodable>(_ script: String, as report: Report.Type) throws -> Report {
        try ensureBrowser()
        let daemon = try TestDaemon()
        _ = try daemon.start()
        defer { daemon.stop() }
        return try browse(script, on: daemon, as: report)
    }

    /// Runs one of the `Tests/dashboard` scripts against a daemon the test started and set up.
    func browse<Report: Decodable>(_ script: String, on daemon: TestDaemon, as report: Report.Type) throws -> Report {
        let run = try CommandResult.run(
            "/usr/bin/env", ["python3", Self.root + "/Tests/dashboard/" + script, daemon.binary, "http://127.0.0.1:\(daemon.tcpPort)/"],
            environment: daemon.environment)
        #expect(run.status == 0, "\(run.stderr)")
        return try JSONDecoder().decode(report, from: Data((run.output.split(separator: "\n").last ?? "").utf8))
    }

    /// headless Chromium: views and the graph update live over one SSE stream, keyboard and contrast (light and dark)
    /// hold, the page recovers from a daemon restart, and works at dashboard.localhost
    @Test("headless Chromium: live views and graph over one SSE stream, keyboard, contrast, restart recovery, dashboard.localhost")
    func liveInBrowser() throws {
        try ensureBrowser()
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto"])
        let info = try daemon.start()
        let proxy = try #require(info.proxyPort)
        let shots = Self.root + "/.build/screenshots"
        let run = try CommandResult.run(
            "/usr/bin/env",
            ["python3", Self.root + "/Tests/dashboard/dashboard_e2e.py", daemon.binary, "http://127.0.0.1:\(info.tcpPort)/", shots, String(proxy)],
            environment: daemon.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data((run.output.split(separator: "\n").last ?? "").utf8))
        #expect(report.loaded && report.live)
        #expect(report.claim_appeared)
        #expect(report.message_appeared)
        #expect(report.agent_appeared)

        // The graph: empty state first, then the CLI's agent, session, file claim, lock and claims as nodes, with
        // the relations the snapshot really holds as links; positions stay put while nodes come and go.
        #expect(report.graph_empty_state)
        let session = try #require(report.graph_nodes.first { $0.hasPrefix("session:") })
        let file = try #require(report.graph_nodes.first { $0.hasPrefix("file:") && $0.hasSuffix("/src/graph.swift") })
        for node in ["agent:graph-agent", "lock:db-migrate", "service:graph:web", "service:solo:api"] { #expect(report.graph_nodes.contains(node)) }
        for edge in [
            "agent:graph-agent > \(session)", "\(session) > \(file)", "\(session) > service:graph:web", "lock:db-migrate > agent:graph-agent",
            "service:graph:web > agent:graph-agent",
        ] {
            #expect(report.graph_edges.contains(edge), "missing link \(edge) in \(report.graph_edges)")
        }
        #expect(!report.graph_edges.contains { $0.contains("agent:dash-agent") })  // nothing links it: no invented edges
        #expect(report.graph_changed)
        #expect(report.graph_stable)

        // Keyboard: every view link, then graph nodes, each with a visible focus indicator.
        #expect(
            report.tab_nav == [
                "#ports", "#stacks", "#runs", "#fleet", "#agents", "#sessions", "#locks", "#radio", "#salvage", "#heat", "#memory", "#graph",
            ])
        #expect(report.tab_nav_focus_visible)
        #expect(report.tab_node?.hasPrefix("agent:") == true)
        #expect(report.tab_node_ring == "3px")
        #expect(report.arrow_moved_to != nil && report.arrow_moved_to != report.tab_node)
        #expect(report.focus_kept)
        #expect(report.enter_navigates)

        // Contrast of all visible text, in both colour schemes (and the schemes really differ).
        for scheme in ["light", "dark"] {
            let result = try #require(report.contrast[scheme])
            #expect(result.checked > 100)
            #expect(result.min >= 4.5, "\(scheme): \(result.failures)")
            #expect(result.failures.isEmpty, "\(scheme): \(result.failures)")
            #expect(result.dark == (scheme == "dark"))
        }
        #expect(report.contrast["light"]?.body != report.contrast["dark"]?.body)

        // One EventSource, on the multiplexed stream; a screenshot per view (+ the graph in dark).
        #expect(report.streams == ["/dashboard/events"])
        #expect(report.screenshots.count == 13)
        for path in report.screenshots { #expect(FileManager.default.fileExists(atPath: path)) }
        // Every view is built and shows data.
        #expect(report.views_not_built == [])
        // A stack started from the CLI shows up with its services' states and last lines; the page stops one.
        #expect(report.stack_up && report.stack_appeared && report.stack_service_stopped)
        // Output and controls need the user's token (pd dashboard passes it in the fragment, which then leaves the URL).
        #expect(report.stack_locked_without_token && report.token_left_url && report.stack_output_shown)
        #expect(report.stack_output_live)
        #expect(report.code_single_use)
        // pd dashboard never puts the code on a command line: the opener gets a private file that redirects.
        #expect(report.code_not_in_argv)

        // A daemon restart on the same ports: the same page reconnects by itself, shows new data, and its
        // actions work again (the stream hands it a fresh token).
        #expect(report.went_down && report.saw_reconnecting && report.restarted)
        #expect(report.live_again)
        #expect(report.after_restart_appeared)
        #expect(report.action_after_restart)
        #expect(report.navigations == 1)  // one page load: everything after it arrived live
        #expect(report.open_streams == 1)

        // Through the reverse proxy at dashboard.localhost: live, and an action passes the origin check.
        #expect(report.proxy_loaded && report.proxy_live)
        #expect(report.proxy_claim_appeared)
        #expect(report.proxy_action)
        #expect(report.proxy_streams == ["/dashboard/events"])
    }

    @Test("the Runs view shows a run's name, state, tokens and cost to any page; its output and Kill need the user's key")
    func runsView() throws {
        struct RunsReport: Decodable {
            var launched: Bool
            var output_logged: Bool
            var shown: Bool
            var locked: Bool
            var kill_without_key: [JSONValue]
            var alive_after_refusal: [String?]?
            var agent_named: Bool
            var unlocked: Bool
            var killed: [String?]?
            var view_killed: Bool
            var debug: [JSONValue]?
        }
        let report = try browse("dashboard_runs.py", as: RunsReport.self)
        #expect(report.launched && report.output_logged)
        #expect(report.shown)
        #expect(report.locked)
        #expect(report.kill_without_key.map(\.description) == ["401.0", "UNTRUSTED_CALLER"])
        #expect(report.alive_after_refusal == ["running", nil])
        #expect(report.agent_named)
        #expect(report.unlocked, "\(report.debug ?? [])")
        #expect(report.killed == ["killed", "user"])
        #expect(report.view_killed)
    }

    @Test("the Fleet view: fleet, agent status, wallet, a pending kill's countdown for any page; Raise, Grace, Kill, two-step Panic need the key")
    func fleetView() throws {
        struct FleetReport: Decodable {
            var pending_before: Bool
            var api_fleet: [String?]?
            var api_spend_today: Int?
            var fleet_shown: Bool?
            var wallet_shown: Bool?
            var countdown: Bool?
            var locked: Bool?
            var panic_without_key: [JSONValue]?
            var grace_without_key: [JSONValue]?
            var calm_after_refusal: String?
            var extensions_after_refusal: Int?
            var unlocked: Bool?
            var raised: Bool?
            var still_pending_after_raise: Bool?
            var raise_shown: Bool?
            var grace_extended: Bool?
            var grace_shown: Bool?
            var killed: [String?]?
            var pending_after_kill: [JSONValue]?
            var view_cleared: Bool?
            var armed: Bool?
            var armed_not_panicked: Bool?
            var confirm_shown: Bool?
            var panicked: Bool?
            var panicked_shown: Bool?
            var unpanicked: Bool?
            var calm_shown: Bool?
        }
        try ensureBrowser()
        // A fleet whose agent qa, woken by a commit message, spends at once and then keeps going.
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_BUDGET_GRACE": "60"])
        try BudgetGuardIntegrationTests.costlyPlan(bench, thenHang: true)
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        try FleetIntegrationTests.fleet(
            bench,
            """
                qa:
                  trigger: git:committed
                  prompt: "Review {message}"
            """)
        let up = try bench.pd(["fleet", "up", "--background"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(try bench.pd(["pub", "git:committed", "abc123"]).status == 0)
        #expect(eventually(timeout: 60) { ((try? bench.daemon.client().wallet("shop"))?.spentToday.micros ?? 0) > 10_000 })
        // The user lowers the budget under what qa spent: the budget guard gives qa's run a pending kill.
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "0.01"]).status == 0)
        let report = try browse("dashboard_fleet.py", on: bench.daemon, as: FleetReport.self)
        #expect(report.pending_before)
        #expect(report.api_fleet == ["daemon", "qa", "running"])
        #expect((report.api_spend_today ?? 0) > 10_000)
        #expect(report.fleet_shown == true && report.wallet_shown == true)
        #expect(report.countdown == true)
        #expect(report.locked == true)
        #expect(report.panic_without_key?.map(\.description) == ["401.0", "UNTRUSTED_CALLER"])
        #expect(report.grace_without_key?.map(\.description) == ["401.0", "UNTRUSTED_CALLER"])
        #expect(report.calm_after_refusal == "calm" && report.extensions_after_refusal == 0)
        #expect(report.unlocked == true)
        #expect(report.raised == true && report.still_pending_after_raise == true && report.raise_shown == true)
        #expect(report.grace_extended == true && report.grace_shown == true)
        #expect(report.killed == ["killed", "budget"])
        #expect(report.pending_after_kill?.isEmpty == true && report.view_cleared == true)
        #expect(report.armed == true && report.armed_not_panicked == false && report.confirm_shown == true)
        #expect(report.panicked == true && report.panicked_shown == true)
        #expect(report.unpanicked == true && report.calm_shown == true)
    }

    @Test("the Fleet view's actions need the page token, the daemon's own origin and the user's authority")
    func fleetActionsAreGuarded() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let client = daemon.client()
        let page = String(decoding: try client.send("GET", "/", body: nil).body, as: UTF8.self)
        let token = try #require(page.range(of: #"name="pd-token" content=""#).map { String(page[$0.upperBound...].prefix(48)) })
        let own = ("Origin", "http://127.0.0.1:\(info.tcpPort)")
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let actions = [
            ("/dashboard/fleet/raise", #"{"run":"run-nope","usd":"1"}"#), ("/dashboard/fleet/kill", #"{"run":"run-nope"}"#),
            ("/dashboard/fleet/grace", #"{"run":"run-nope"}"#), ("/dashboard/fleet/panic", #"{"reason":"test"}"#),
            ("/dashboard/fleet/unpanic", #"{"reason":"test"}"#),
        ]
        for (path, body) in actions {
            let json = ("Content-Type", "application/json")
            // Over TCP with the page token but without the user's key: 401, and the switch stays calm.
            let locked = try tcp.send(method: "POST", path: path, body: Array(body.utf8), headers: [("X-PD-Page-Token", token), own, json])
            #expect(locked.status == 401, "\(path)")
            #expect(String(decoding: locked.body, as: UTF8.self).contains("UNTRUSTED_CALLER"), "\(path)")
            // Another site's page: 403, even over the socket (which has the user's authority).
            let foreign = try client.send(
                "POST", path, body: Array(body.utf8), headers: [("X-PD-Page-Token", token), ("Origin", "http://evil.example"), json])
            #expect(foreign.status == 403, "\(path)")
            // No page token: 400.
            #expect(try client.send("POST", path, body: Array(body.utf8), headers: [json]).status == 400, "\(path)")
        }
        #expect(try client.panicState().state == .calm)
        // With the user's authority (the socket) and the page token the routes act: a run that is not pending is
        // ALREADY_KILLED (as with /wallets/pending/{run}/grace), and the panic switch arms, is not fired by arming,
        // fires on the separate confirm and clears.
        let withKey = { (path: String, body: String) in
            try client.send("POST", path, body: Array(body.utf8), headers: [("X-PD-Page-Token", token), own, ("Content-Type", "application/json")])
        }
        let notPending = try withKey("/dashboard/fleet/grace", #"{"run":"run-nope"}"#)
        #expect(notPending.status == 409 && String(decoding: notPending.body, as: UTF8.self).contains("ALREADY_KILLED"))
        #expect(try withKey("/dashboard/fleet/panic", #"{"reason":"test"}"#).status == 200)
        #expect(try client.panicState().state == .armed && !client.fleets().panicked)
        #expect(try withKey("/dashboard/fleet/panic", #"{"reason":"test","confirm":true}"#).status == 200)
        #expect(try client.fleets().panicked)
        #expect(try withKey("/dashboard/fleet/unpanic", #"{"reason":"done"}"#).status == 200)
        #expect(try client.panicState().state == .calm)
    }

    @Test("Heat: a file a refused pd claim-files made hot, its holder, harbor tuple counts; Memory: a finding's episode, its text with the key")
    func heatAndMemoryViews() throws {
        struct MemoryReport: Decodable {
            var empty_heat: Bool
            var held: Int32
            var refused: Int32
            var hot_file_shown: Bool
            var heat: Double
            var contention_listed: Bool
            var harbor_tuples: Bool
            var harbor_closed: Bool
            var sprayed: Int32
            var spray_shown: Bool
            var episode_shown: Bool
            var counts: [String: String?]
            var text_hidden: Bool
            var text_shown: Bool
        }
        let report = try browse("dashboard_memory.py", as: MemoryReport.self)
        #expect(report.empty_heat)
        // The refused claim (exit 4) heats the file by itself: it appears live, with its holder, heat and trails.
        #expect(report.held == 0 && report.refused == 4)
        #expect(report.hot_file_shown && report.contention_listed)
        #expect(report.heat > 0 && report.heat <= 1)
        #expect(report.harbor_tuples && report.harbor_closed)
        // A spray has no event: the open view still shows it (it re-reads while open).
        #expect(report.sprayed == 0 && report.spray_shown)
        // The finding note's episode, live, with the tier counts of what the test made.
        #expect(report.episode_shown)
        #expect(
            report.counts == ["live-agents": "2", "active-sessions": "2", "active-file-claims": "1", "tuples": "1", "episodes": "1"],
            "\(report.counts)")
        // Note text only with the user's authority, through pd dashboard's one-time code.
        #expect(report.text_hidden)
        #expect(report.text_shown)
    }

    @Test("dashboard.localhost on the proxy is the daemon's dashboard, even when the identity dashboard is claimed")
    func dashboardThroughProxy() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto"])
        let info = try daemon.start()
        let proxy = try #require(info.proxyPort)
        func curl(_ args: [String]) throws -> CommandResult {
            try CommandResult.run("/usr/bin/env", ["curl", "-s", "--max-time", "10"] + args, environment: [:])
        }
        let page = try curl(["-H", "Host: dashboard.localhost", "http://127.0.0.1:\(proxy)/"])
        #expect(page.stdout.contains(#"name="pd-token""#))
        let state = try curl(["-w", "\n%{http_code}", "http://dashboard.localhost:\(proxy)/dashboard/state"])
        #expect(state.stdout.hasSuffix("200") && state.stdout.contains(#""services""#))
        // The stream through the proxy starts with its hello event.
        let stream = try curl(["-N", "--max-time", "2", "http://dashboard.localhost:\(proxy)/dashboard/events"])
        #expect(stream.stdout.contains("event: hello"))

        // A claim of the identity `dashboard` keeps its port, but not the proxy name: the dashboard wins.
        let port = try daemon.pd(["claim", "dashboard", "-q"]).output
        #expect(Int(port) != nil)
        #expect(try curl(["http://dashboard.localhost:\(proxy)/"]).stdout.contains(#"name="pd-token""#))
        let url = try daemon.pd(["url", "dashboard"])
        #expect(url.output == "http://dashboard.localhost:\(port)/")  // straight to its port
        #expect(url.stderr.contains("dashboard.localhost on the proxy is Port Daddy's dashboard"))
        #expect(try daemon.pd(["url", "dashboard:web"]).status == 5)  // only the bare identity is shadowed
        // Another name's page lists the dashboard, not the shadowed claim.
        let unknown = try curl(["http://nope.localhost:\(proxy)/"]).stdout
        #expect(unknown.contains("Port Daddy's own dashboard"))

        // Actions through the proxy: the proxy's dashboard origin is the daemon's own; another origin is not.
        let token = try #require(page.stdout.range(of: #"name="pd-token" content=""#).map { String(page.stdout[$0.upperBound...].prefix(48)) })
        _ = try daemon.pd(["claim", "proxied:web", "-q"])
        let body = #"{"id":"proxied:web"}"#
        let base = [
            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "-H", "X-PD-Page-Token: \(token)", "-d",
            body,
        ]
        #expect(
            try curl(base + ["-H", "Origin: http://web.other.localhost:\(proxy)", "http://dashboard.localhost:\(proxy)/dashboard/release"]).stdout
                == "403")
        #expect(
            try curl(base + ["-H", "Origin: http://dashboard.localhost:\(proxy)", "http://dashboard.localhost:\(proxy)/dashboard/release"]).stdout
                == "200")
        #expect(try daemon.pd(["find", "proxied:web"]).status == 5)
    }

    @Test("one SSE stream carries activity and channel messages, resumes from Last-Event-ID <activity>-<message>, and refuses a bad cursor")
    func eventStream() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        _ = try daemon.pd(["claim", "stream:web", "-q"])
        _ = try daemon.pd(["pub", "stream:news", "first"])
        let url = "http://127.0.0.1:\(info.tcpPort)/dashboard/events"
        func follow(_ headers: [String]) throws -> [(id: String, event: String, data: String)] {
            let run = try CommandResult.run("/usr/bin/env", ["curl", "-s", "-N", "--max-time", "2"] + headers + [url], environment: [:])
            return run.stdout.components(separatedBy: "\n\n").compactMap { block in
                var id = "", event = "", data = ""
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                return event.isEmpty ? nil : (id, event, data)
            }
        }
        // From the start: hello (with a token), then the claim's activity record, then the message.
        let all = try follow(["-H", "Last-Event-ID: 0-0"])
        #expect(all.map(\.event) == ["hello", "activity", "message"])
        #expect(all.first?.data.contains(#""token":""#) == true)
        #expect(all.dropFirst().allSatisfy { !$0.id.isEmpty })
        #expect(all.last?.data.contains("first") == true)
        // Resuming from the last id replays nothing old; new things arrive once, in one stream.
        let last = try #require(all.last?.id)
        _ = try daemon.pd(["pub", "stream:news", "second"])
        let resumed = try follow(["-H", "Last-Event-ID: \(last)"])
        #expect(resumed.map(\.event) == ["hello", "message"])
        #expect(resumed.last?.data.contains("second") == true)
        // Without a cursor the stream starts at the newest record (the `?after=` query works like the header).
        #expect(try follow([]).map(\.event) == ["hello"])
        #expect(try follow(["-G", "-d", "after=0-0"]).count == 4)
        let bad = try CommandResult.run("/usr/bin/env", ["curl", "-s", "-w", "\n%{http_code}", "-H", "Last-Event-ID: 12", url], environment: [:])
        #expect(bad.stdout.hasSuffix("400"))
        #expect(bad.stdout.contains(#""code":"INVALID_REQUEST""#))
    }

    @Test("dashboard actions need the page's token and the daemon's own origin")
    func actionsAreGuarded() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        _ = try daemon.pd(["claim", "guarded:web", "-q"])
        let client = daemon.client()
        let page = String(decoding: try client.send("GET", "/", body: nil).body, as: UTF8.self)
        let token = try #require(page.range(of: #"name="pd-token" content=""#).map { String(page[$0.upperBound...].prefix(48)) })
        let body = Array(#"{"id":"guarded:web"}"#.utf8)
        #expect(try client.send("POST", "/dashboard/release", body: body).status == 400)
        #expect(try client.send("POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", "forged")]).status == 400)
        // Tokens carry their own proof: a tampered one is refused, and loading the page many times evicts nothing.
        let tampered = String(token.dropLast()) + (token.last == "0" ? "1" : "0")
        #expect(
            try client.send(
                "POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", tampered), ("Origin", "http://127.0.0.1:\(info.tcpPort)")]
            ).status == 400)
        for _ in 0..<300 { _ = try client.send("GET", "/", body: nil) }
        let foreign = try client.send(
            "POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", token), ("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
        #expect(try daemon.pd(["find", "guarded:web"]).status == 0)
        let own = try client.send(
            "POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", token), ("Origin", "http://127.0.0.1:\(info.tcpPort)")])
        #expect(own.status == 200)
        #expect(try daemon.pd(["find", "guarded:web"]).status == 5)
        // Another site's subresource loads get no page (and so no page token) and no data; a navigation does.
        let image = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "image")]
        #expect(try client.send("GET", "/", body: nil, headers: image).status == 403)
        #expect(try client.send("GET", "/dashboard/state", body: nil, headers: image).status == 403)
        #expect(try client.send("GET", "/dashboard/events", body: nil, headers: [("Sec-Fetch-Site", "same-site")]).status == 403)
        let navigate = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document")]
        #expect(try client.send("GET", "/", body: nil, headers: navigate).status == 200)
        #expect(try client.send("GET", "/dashboard/state", body: nil, headers: [("Sec-Fetch-Site", "same-origin")]).status == 200)
        // A tab's session key cannot mint codes; only the socket or the user's token can.
        struct Grant: Decodable { var code: String }
        struct Session: Decodable { var session: String }
        let grant = try JSONDecoder().decode(Grant.self, from: Data(try client.send("POST", "/dashboard/grant", body: nil).body))
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let redeemed = try tcp.send(
            method: "POST", path: "/dashboard/redeem", body: Array(#"{"code":"\#(grant.code)"}"#.utf8),
            headers: [("X-PD-Page-Token", token), ("Origin", "http://127.0.0.1:\(info.tcpPort)"), ("Content-Type", "application/json")])
        let session = try JSONDecoder().decode(Session.self, from: Data(redeemed.body)).session
        #expect(try tcp.send(method: "GET", path: "/dashboard/state", headers: [("X-PD-Token", session)]).body.count > 0)
        #expect(try tcp.send(method: "POST", path: "/dashboard/grant", headers: [("X-PD-Token", session)]).status == 401)
    }
}
