import PortDaddyAPI
import Testing

@testable import PortDaddyFleetConfig

@Suite("pd-fleet.yml: the model and every problem with its YAML path")
struct FleetConfigTests {
    /// The paths and messages of `yaml`'s problems, as `pd fleet validate` prints them.
    static func problems(_ yaml: String) -> [String] { FleetConfig.validate(yaml: yaml).problems.map(\.description) }

    static let example = """
        fleet:
          name: my-project-dev
          harbor: "{project}:fleet"
          limits: {max_concurrent_spawns: 2, max_spawns_per_hour: 20, budget_usd_per_day: 5}
          defaults: {backend: claude-cli, model: M, budget: 0.25, timeout: 10m}
          agents:
            qa:
              trigger: git:committed
              schedule: "*/10 * * * *"
              backend: codex
              prompt: "Review {message} on {branch}"
              budget: 0.30
              queue: fifo
              max_queue: 10
              on_success: "publish git:status"
              on_failure: "publish alerts"
              actor: cartographer
              identity: myapp:qa
              catch_up: true
            status:
              trigger: git:status
              prompt: "Summarize {message}"
          actors:
            cartographer: {display: "Cartographer", aliases: [navigator], description: "keeps the roadmap honest"}
          channels:
            git:committed: {description: "after a commit", consumers: [qa]}
        """

    @Test("the design's example reads into the model, defaults applied and money exact")
    func example() throws {
        let result = FleetConfig.validate(yaml: Self.example)
        #expect(result.problems.isEmpty, "\(result.problems)")
        let config = try #require(result.config)
        #expect(config.name == "my-project-dev" && config.harbor == "{project}:fleet")
        #expect(config.limits == FleetConfig.Limits(maxConcurrentSpawns: 2, maxSpawnsPerHour: 20, budgetUsdPerDayMicros: 5_000_000))
        #expect(config.defaults == FleetConfig.Defaults(backend: "claude-cli", model: "M", budgetMicros: 250_000, timeoutSeconds: 600))
        let qa = config.agents[0]
        #expect(qa.name == "qa" && qa.trigger == "git:committed" && qa.schedule?.text == "*/10 * * * *" && qa.backend == "codex")
        #expect(qa.budgetMicros == 300_000 && qa.queue == .fifo && qa.maxQueue == 10 && qa.timeoutSeconds == 600 && qa.catchUp)
        #expect(qa.onSuccess == "git:status" && qa.onFailure == "alerts" && qa.actor == "cartographer" && qa.identity == "myapp:qa")
        let status = config.agents[1]
        #expect(status.backend == "claude-cli" && status.model == "M" && status.budgetMicros == 250_000 && status.queue == .collapse)
        #expect(
            config.actors == [
                FleetConfig.Actor(name: "cartographer", display: "Cartographer", aliases: ["navigator"], description: "keeps the roadmap honest")
            ])
        #expect(config.channels == [FleetConfig.Channel(name: "git:committed", description: "after a commit", consumers: ["qa"])])
        // qa publishes git:status, which wakes status; status publishes nothing: no cycle.
        #expect(result.warnings.isEmpty)
    }

    @Test("every error kind is reported at its exact path, all of them at once")
    func everyErrorKind() {
        let yaml = """
            fleet:
              name: My Fleet
              colour: blue
              limits: {max_concurrent_spawns: 0, budget_usd_per_day: "5 USD"}
              defaults: {backend: gpt-9, timeout: soon}
              agents:
                qa:
                  trigger: git:committed
                  schedule: "*/61 * * * *"
                  backend: claude-cli
                  prompt: "Review {message} from {author}"
                  budget: -1
                  queue: lifo
                  on_success: "tell git:status"
                  actor: ghost
                idle:
                  backend: aider
                  prompt: "nothing wakes me"
                mute:
                  trigger: alerts
                  backend: gemini
              channels:
                git:committed: {consumers: [qa, qb]}
            """
        #expect(
            Self.problems(yaml) == [
                #"fleet.colour: unknown key (expected name, harbor, limits, defaults, agents, actors, channels)"#,
                #"fleet.name: "My Fleet" contains "M"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"#,
                "fleet.limits.max_concurrent_spawns: must be a whole number from 1 to 1000",
                #"fleet.limits.budget_usd_per_day: budget_usd_per_day "5 USD" is not an amount in USD: write a "#
                    + #"plain decimal number of dollars such as 0.50 or 2 (no sign, exponent or currency symbol)"#,
                #"fleet.defaults.backend: unknown backend "gpt-9" (known: aider, claude, claude-cli, codex, gemini, ollama, openai)"#,
                #"fleet.defaults.timeout: "soon" is not a duration (e.g. 90s, 10m, 1h)"#,
                #"fleet.agents.qa.schedule: "*/61 * * * *" is not a valid cron expression: minute 61 is out of 0-59"#,
                "fleet.agents.qa.prompt: unknown template variable {author} (known: {project} {branch} {fleet} "
                    + "{agent} {channel} {message} {sender} {message_id})",
                #"fleet.agents.qa.queue: must be collapse or fifo"#,
                #"fleet.agents.qa.actor: unknown actor "ghost" (declare it under fleet.actors)"#,
                #"fleet.agents.qa.budget: budget "-1" is not an amount in USD: it must not be negative"#,
                #"fleet.agents.qa.on_success: must be "publish CHANNEL", e.g. publish git:status"#,
                "fleet.agents.idle: needs a trigger (a channel), a schedule (cron), or both",
                "fleet.agents.mute.prompt: required: what the agent is asked to do",
                #"fleet.channels.git:committed.consumers[1]: "qb" is no agent of this fleet (agents: idle, mute, qa)"#,
            ])
        #expect(FleetConfig.validate(yaml: yaml).config == nil)
    }

    @Test("names follow the identity-segment rules; an agent without a backend anywhere is an error")
    func namesAndBackends() {
        let yaml = """
            fleet:
              name: ok
              agents:
                Bad:Name:
                  trigger: "a b"
                  prompt: hi
                  identity: "x:y:z:w"
              actors:
                "ünïcode": {aliases: [Nav]}
            """
        #expect(
            Self.problems(yaml) == [
                #"fleet.agents.Bad:Name: agent name: "Bad:Name" contains "B"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"#,
                #"fleet.agents.Bad:Name.trigger: "a b" is not a channel or channel pattern (segments of a-z, 0-9, '.', '_', '-', '*')"#,
                "fleet.agents.Bad:Name.backend: required here or in fleet.defaults.backend (known: aider, "
                    + "claude, claude-cli, codex, gemini, ollama, openai)",
                #"fleet.agents.Bad:Name.identity: identity "x:y:z:w" has more than 3 segments; use project[:stack[:context]]"#,
                #"fleet.actors.ünïcode: actor name: "ünïcode" contains "ü"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"#,
                #"fleet.actors.ünïcode.aliases[0]: "Nav" contains "N"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"#,
            ])
    }

    @Test("a list of agents gets derived names: name > identity > first prompt words > backend, made unique")
    func derivedNames() throws {
        let yaml = """
            fleet:
              name: listed
              defaults: {backend: ollama}
              agents:
                - {name: lead, trigger: a, prompt: "x"}
                - {identity: "myapp:api:reviewer", trigger: a, prompt: "x"}
                - {trigger: a, prompt: "Fix the flaky tests, please"}
                - {trigger: a, prompt: "fix the flaky build"}
                - {trigger: a, prompt: "!!!"}
            """
        let config = try #require(FleetConfig.validate(yaml: yaml).config)
        #expect(config.agents.map(\.name) == ["lead", "reviewer", "fix-the-flaky", "fix-the-flaky-2", "ollama"])
        #expect(
            Self.problems(
                "fleet: {name: d, agents: [{name: a, trigger: t, backend: codex, prompt: p}, {name: a, trigger: t, backend: codex, prompt: q}]}")
                == [#"fleet.agents[1].name: "a" names another agent too"#])
    }

    @Test("trigger → on_success publish cycles are warnings (the file stays valid); unknown and missing top keys are errors")
    func cyclesAndShape() {
        let yaml = """
            fleet:
              name: loop
              defaults: {backend: codex}
              agents:
                a: {trigger: "work:a*", prompt: p, on_success: "publish work:b"}
                b: {trigger: work:b, prompt: p, on_failure: "publish work:again"}
                c: {trigger: solo, prompt: p, on_success: "publish solo"}
            """
        let result = FleetConfig.validate(yaml: yaml)
        #expect(result.config != nil)
        #expect(
            result.problems == [
                FleetProblem(
                    .warning, "fleet.agents.a.on_success",
                    "trigger/publish cycle a → b → a: each message wakes the next agent until the chain stops at hop 8"),
                FleetProblem(
                    .warning, "fleet.agents.c.on_success",
                    "trigger/publish cycle c → c: each message wakes the next agent until the chain stops at hop 8"),
            ])
        #expect(Self.problems("fleets: {}") == ["fleets: unknown key (expected fleet)", "fleet: required: the file's one top-level key"])
        #expect(Self.problems("") == ["(root): the file is empty; it needs a fleet: section (pd fleet init writes a starter)"])
        #expect(Self.problems("fleet: [").first?.hasPrefix("(root): not valid YAML") == true)
        #expect(
            Self.problems("fleet: {name: N, agents: {}}") == [
                #"fleet.name: "N" contains "N"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"#,
                "fleet.agents: required: at least one agent",
            ])
        #expect(
            Self.problems("fleet: {name: n, agents: {m: {trigger: mailbox, backend: codex, prompt: p}}}")
                == ["fleet.agents.m.trigger: mailbox wakes the agent on its actor's mailbox: set actor too"])
    }

    @Test("the starter pd fleet init writes validates clean, whatever the project is called")
    func starterIsClean() throws {
        for project in ["myapp", "My App!", "---", "x.y_z"] {
            let result = FleetConfig.validate(yaml: FleetConfig.starter(project: project))
            #expect(result.problems.isEmpty, "\(project): \(result.problems)")
            #expect(try #require(result.config).agents.map(\.name) == ["reviewer", "nightly"])
        }
        #expect(FleetConfig.starterName("My App!") == "my-app-dev" && FleetConfig.starterName("---") == "fleet")
    }

    @Test("template variables: only {name} forms count, other braces are text")
    func templateVariables() {
        #expect(FleetTemplate.variables(in: #"{message} {"json": 1} { x } {message_id}{a"#) == ["message", "message_id"])
    }
}
