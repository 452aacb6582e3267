import PortDaddyAPI
import Testing

@testable import PortDaddyRuns

/// Every event a parser gives for a whole transcript, EOF included.
private func run(_ parser: some TelemetryParser, _ transcript: String) -> [TelemetryEvent] {
    var parser = parser
    var events: [TelemetryEvent] = []
    for line in transcript.split(separator: "\n", omittingEmptySubsequences: false) { events += parser.consume(line: String(line)) }
    return events + parser.finish()
}

@Suite("Claude stream-json parser")
struct ClaudeStreamParserTests {
    /// A two-message `claude -p … --output-format stream-json --verbose` run: the first message has a text and a tool
    /// call (the CLI repeats the message's usage on both lines), then a tool result and a second message.
    static let transcript = #"""
        {"type":"system","subtype":"init","cwd":"/tmp/w","session_id":"5f1c","tools":["Bash","Read","Edit"],"mcp_servers":[],\#
        "model":"claude-sonnet-4-5-20250929","permissionMode":"default","apiKeySource":"none"}
        {"type":"assistant","message":{"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\#
        "content":[{"type":"text","text":"Looking at the test.\nIt races the server."}],"stop_reason":null,"usage":{"input_tokens":4,\#
        "cache_creation_input_tokens":1200,"cache_read_input_tokens":13000,"output_tokens":3,"service_tier":"standard"}},\#
        "parent_tool_use_id":null,"session_id":"5f1c"}
        {"type":"assistant","message":{"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\#
        "content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"pytest -x"}}],"stop_reason":null,\#
        "usage":{"input_tokens":4,"cache_creation_input_tokens":1200,"cache_read_input_tokens":13000,"output_tokens":3,\#
        "service_tier":"standard"}},"parent_tool_use_id":null,"session_id":"5f1c"}
        {"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"1 passed",\#
        "is_error":false}]},"parent_tool_use_id":null,"session_id":"5f1c"}
        {"type":"assistant","message":{"id":"msg_01B","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\#
        "content":[{"type":"text","text":"Fixed: caf\u00e9 \ud83d\ude00 \"done\""}],"stop_reason":"end_turn","usage":{"input_tokens":6,\#
        "cache_creation_input_tokens":300,"cache_read_input_tokens":14200,"output_tokens":180}},"parent_tool_use_id":null,"session_id":"5f1c"}
        {"type":"result","subtype":"success","is_error":false,"duration_ms":5310,"duration_api_ms":4920,"num_turns":2,\#
        "result":"Fixed: the test now waits for the server.","session_id":"5f1c","total_cost_usd":0.0123455,"usage":{"input_tokens":10,\#
        "cache_creation_input_tokens":1500,"cache_read_input_tokens":27200,"output_tokens":183,"server_tool_use":{"web_search_requests":0},\#
        "service_tier":"standard"},"modelUsage":{"claude-sonnet-4-5-20250929":{"inputTokens":10,"outputTokens":183,"costUSD":0.0123455}},\#
        "permission_denials":[]}
        """#

    @Test("a multi-turn stream gives output lines, cumulative usage per message, then the reported total, cost and result")
    func stream() {
        let model = "claude-sonnet-4-5-20250929"
        let first = TokenCounts(input: 4, output: 3, cacheRead: 13000, cacheWrite: 1200)
        let second = TokenCounts(input: 10, output: 183, cacheRead: 27200, cacheWrite: 1500)
        #expect(
            run(ClaudeStreamParser(), Self.transcript) == [
                .output("Looking at the test."), .output("It races the server."), .usage(first, costMicros: nil, model: model),
                .output("[tool: Bash]"), .usage(first, costMicros: nil, model: model),
                .output("Fixed: café 😀 \"done\""), .usage(second, costMicros: nil, model: model),
                .usage(second, costMicros: 12_346, model: model),
                .result(text: "Fixed: the test now waits for the server.", isError: false),
            ])
    }

    @Test("--output-format json: the single final object gives the usage, the exact cost and the result")
    func singleObject() {
        let line =
            #"{"type":"result","subtype":"success","is_error":false,"result":"hi","total_cost_usd":1.5e-05,"#
            + #""usage":{"input_tokens":3,"output_tokens":2}}"#
        #expect(
            run(ClaudeStreamParser(), line) == [
                .usage(TokenCounts(input: 3, output: 2), costMicros: 15, model: nil), .result(text: "hi", isError: false),
            ])
    }

    @Test("an error subtype or is_error makes the result a failure; a result without text says why")
    func failures() {
        let maxTurns =
            #"{"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":3,"total_cost_usd":0.2,"#
            + #""usage":{"input_tokens":1,"output_tokens":1}}"#
        #expect(
            run(ClaudeStreamParser(), maxTurns).last == .result(text: "claude ended with error_max_turns", isError: true))
        let apiError = #"{"type":"result","subtype":"success","is_error":true,"result":"API Error: 529 overloaded","total_cost_usd":0}"#
        #expect(
            run(ClaudeStreamParser(), apiError) == [
                .usage(TokenCounts(), costMicros: 0, model: nil), .result(text: "API Error: 529 overloaded", isError: true),
            ])
    }

    @Test("lines that are not JSON are output; broken or hostile JSON never crashes; no result line gives no result")
    func robustness() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let transcript = [
            "Error: not logged in", #"{"type":"assistant","message":{"content":[{"type":"text","text":"unterminated"#, deep,
            #"{"type":"assistant","message":{"usage":{"input_tokens":-5,"output_tokens":99999999999999999999999}}}"#,
            #"{"type":"stream_event","event":{}}"#, "",
        ].joined(separator: "\n")
        #expect(
            run(ClaudeStreamParser(), transcript) == [
                .output("Error: not logged in"), .output(#"{"type":"assistant","message":{"content":[{"type":"text","text":"unterminated"#),
                .output(deep), .usage(TokenCounts(), costMicros: nil, model: nil),
            ])
    }
}

@Suite("Codex JSON parser")
struct CodexJSONParserTests {
    /// `codex exec --json` over two turns: reasoning, a command, messages, and usage per turn (cached input inside input).
    static let transcript = #"""
        {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
        {"type":"turn.started"}
        {"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Scanning the repository**"}}
        {"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"",\#
        "exit_code":null,"status":"in_progress"}}
        {"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"docs\nsrc\n",\#
        "exit_code":0,"status":"completed"}}
        {"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"The repo has docs and src."}}
        {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
        {"type":"turn.started"}
        {"type":"error","message":"Reconnecting... 1/5"}
        {"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Added the tests.\nAll pass."}}
        {"type":"turn.completed","usage":{"input_tokens":1210000,"cached_input_tokens":24567,"output_tokens":1000}}
        """#

    @Test("messages are output, usage is summed over turns with cached input apart, and the last message is the result")
    func stream() {
        let first = TokenCounts(input: 315, output: 122, cacheRead: 24448)
        let both = TokenCounts(input: 315 + 1_185_433, output: 1122, cacheRead: 24448 + 24567)
        let events = run(CodexJSONParser(), Self.transcript)
        #expect(
            events == [
                .output("$ bash -lc ls"), .output("The repo has docs and src."), .usage(first, costMicros: nil, model: nil),
                .output("Added the tests."), .output("All pass."), .usage(both, costMicros: nil, model: nil),
                .result(text: "Added the tests.\nAll pass.", isError: false),
            ])
        // Priced at gpt-5: 1,185,748 × 1.25 + 49,015 × 0.125 + 1,122 × 10 = 1,482,185 + 6,126.875 + 11,220 µUSD.
        let rate = RateTable.builtin.rate(backend: .codex, model: "gpt-5")!
        #expect(RateTable.cost(both, at: rate) == 1_499_532)
    }

    @Test("a failed turn makes the result the error; a reconnect error followed by a completed turn does not")
    func failure() {
        let failed = #"""
            {"type":"thread.started","thread_id":"t"}
            {"type":"turn.started"}
            {"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Trying."}}
            {"type":"turn.failed","error":{"message":"stream disconnected before completion"}}
            """#
        #expect(run(CodexJSONParser(), failed).last == .result(text: "stream disconnected before completion", isError: true))
        let fatal = #"{"type":"error","message":"unexpected status 401 Unauthorized"}"#
        #expect(run(CodexJSONParser(), fatal) == [.result(text: "unexpected status 401 Unauthorized", isError: true)])
    }

    @Test("the early item_type/assistant_message form is read too; a plain line is output")
    func olderFormat() {
        let transcript = #"""
            {"type":"item.completed","item":{"id":"item_0","item_type":"assistant_message","text":"ok"}}
            warning: config.toml not found
            """#
        #expect(
            run(CodexJSONParser(), transcript) == [
                .output("ok"), .output("warning: config.toml not found"), .result(text: "ok", isError: false),
            ])
    }
}

@Suite("Aider text parser")
struct AiderTextParserTests {
    static let transcript = """
        Aider v0.86.1
        Main model: anthropic/claude-sonnet-4-5 with diff edit format, infinite output
        Git repo: .git with 42 files
        I'll make the test wait for the server.
        Tokens: 4.3k sent, 2.5k cache write, 88 received. Cost: $0.02 message, $0.02 session.
        Applied edit to tests/test_server.py
        Tokens: 12k sent, 8.9k cache hit, 1.2k received. Cost: $0.0012 message, $0.0214567 session.
        Commit 1a2b3c4 fix: wait for the server
        Tokens: 345 sent, 7 received.
        """

    @Test("text is output; Tokens lines add up (1.2k = 1200) with the session cost; the text is the result")
    func stream() {
        let events = run(AiderTextParser(), Self.transcript)
        let usages = events.compactMap { event -> TelemetryEvent? in
            if case .usage = event { return event }
            return nil
        }
        #expect(
            usages == [
                .usage(TokenCounts(input: 4300, output: 88, cacheWrite: 2500), costMicros: 20_000, model: nil),
                .usage(TokenCounts(input: 16300, output: 1288, cacheRead: 8900, cacheWrite: 2500), costMicros: 21_457, model: nil),
                .usage(TokenCounts(input: 16645, output: 1295, cacheRead: 8900, cacheWrite: 2500), costMicros: nil, model: nil),
            ])
        #expect(events.first == .output("Aider v0.86.1"))
        let text = Self.transcript.split(separator: "\n").filter { !$0.hasPrefix("Tokens:") }.joined(separator: "\n")
        #expect(events.last == .result(text: text, isError: false))
        #expect(events.count == 6 + 3 + 1)
    }

    @Test("rounded counts", arguments: [("345", 345), ("1.2k", 1200), ("12k", 12000), ("1.5M", 1_500_000), ("0.9k", 900)] as [(String, Int64)])
    func roundedCounts(word: String, count: Int64) {
        #expect(AiderTextParser.roundedCount(word[...]) == count)
    }

    @Test("lines that only look like a Tokens line are output")
    func lookalikes() {
        #expect(AiderTextParser.tokensLine("Tokens: none sent") == nil)
        #expect(AiderTextParser.tokensLine("The Tokens: 5 sent, 3 received line") == nil)
    }
}

@Suite("Plain text and usage-line parsers")
struct PlainAndUsageParserTests {
    @Test("plain text: every line is output, the result is the last 2 KiB cut where a character starts")
    func plain() {
        #expect(
            run(PlainTextParser(), "hello\n\nworld") == [
                .output("hello"), .output(""), .output("world"), .result(text: "hello\n\nworld", isError: false),
            ])
        var parser = PlainTextParser()
        for index in 0..<300 { _ = parser.consume(line: "line \(index) é€😀") }
        guard case .result(let text, let isError) = parser.finish().first else {
            Issue.record("no result")
            return
        }
        #expect(!isError)
        #expect(text.utf8.count <= 2048 && text.utf8.count > 2040)
        #expect(text.hasSuffix("line 299 é€😀"))
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test("pd_usage lines are cumulative usage as reported; cost as string or number, rounded to 1 µUSD")
    func usageLines() {
        let lines = """
            {"pd_usage":{"input":100,"output":20}}
            {"pd_usage":{"input":250,"output":45,"cacheRead":1000,"cacheWrite":30,"model":"my-model","costUsd":"0.0042"}}
            {"pd_usage":{"input":300,"output":50,"costUsd":0.00420051}}
            {"pd_usage":{"input":300,"output":50,"costUsd":null}}
            """
        #expect(
            run(UsageLineParser(), lines) == [
                .usage(TokenCounts(input: 100, output: 20), costMicros: nil, model: nil),
                .usage(TokenCounts(input: 250, output: 45, cacheRead: 1000, cacheWrite: 30), costMicros: 4200, model: "my-model"),
                .usage(TokenCounts(input: 300, output: 50), costMicros: 4201, model: nil),
                .usage(TokenCounts(input: 300, output: 50), costMicros: nil, model: nil),
            ])
    }

    @Test("bad usage lines give no event and never crash")
    func badUsageLines() {
        let bad = [
            "", "not json", "{}", #"{"pd_usage":{"input":1}}"#, #"{"pd_usage":{"input":-1,"output":2}}"#,
            #"{"pd_usage":{"input":"1","output":2}}"#, #"{"pd_usage":{"input":1.5,"output":2}}"#,
            #"{"pd_usage":{"input":1,"output":2,"costUsd":"cheap"}}"#, #"{"pd_usage":{"input":1,"output":2,"costUsd":-0.5}}"#,
            #"{"pd_usage":{"input":1,"output":2,"cacheRead":"x"}}"#, #"{"pd_usage":{"input":1e400,"output":2}}"#,
            #"{"pd_usage":[1,2]}"#, #"{"pd_usage":{"input":1,"output":2}} trailing"#, #"{"pd_usage":{"input":1,"output":2,}}"#,
            String(repeating: #"{"a":"#, count: 50_000),
        ]
        var parser = UsageLineParser()
        for line in bad { #expect(parser.consume(line: line).isEmpty, "\(line.prefix(60))") }
        #expect(parser.finish().isEmpty)
    }
}
