import MCP

/// Every tool the MCP server offers, grouped so the list stays small in an agent's context.
enum ToolCatalog {
    static let tools: [Tool] = [
        Tool(
            name: "claim",
            description: "Claim a stable port for an identity (project[:stack[:context]]); the same identity always gets the same port.",
            inputSchema: Schema.object(
                [
                    "identity": Schema.string("e.g. myapp:api"),
                    "port": Schema.integer("a specific port; fails if taken unless fallback"),
                    "fallback": Schema.boolean("with port: take another port if it is taken"),
                    "expires": Schema.string("free after this long, e.g. 2h"),
                ], required: ["identity"])),
        Tool(
            name: "release", description: "Release claims by identity, port number or pattern (myapp:*).",
            inputSchema: Schema.object(["target": Schema.string("identity, port or pattern")], required: ["target"])),
        Tool(
            name: "services", description: "List claimed ports (optionally matching a pattern) with state assigned/listening/dead.",
            inputSchema: Schema.object(["pattern": Schema.string("e.g. myapp:* (default: all)")])),
        Tool(
            name: "wait", description: "Block until each identity is signalled ready or its port is listening.",
            inputSchema: Schema.object(
                ["identities": Schema.strings("identities to wait for"), "timeout": Schema.number("seconds (default 60)")],
                required: ["identities"])),
        Tool(
            name: "publish", description: "Publish a message on a channel (e.g. api:ready), optionally with a signal flag.",
            inputSchema: Schema.object(
                [
                    "channel": Schema.string("channel name"), "message": Schema.string("text"),
                    "signal": Schema.string(
                        "signal flag",
                        oneOf: ["mayday", "pan-pan", "securite", "ready", "standby", "ack", "nack", "done", "blocked", "help", "info"]),
                ], required: ["channel", "message"])),
        Tool(
            name: "read_channel", description: "Read messages on a channel or pattern after a cursor (message id); returns the next cursor.",
            inputSchema: Schema.object(
                [
                    "channel": Schema.string("channel or pattern"), "after": Schema.integer("cursor (default 0)"),
                    "limit": Schema.integer("max messages (default 50)"),
                ],
                required: ["channel"])),
        Tool(
            name: "lock", description: "Distributed lock: acquire (optionally waiting, returns a fencing token), extend, release, or list.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["acquire", "extend", "release", "list"]),
                    "name": Schema.string("lock name, e.g. db:migrate"), "ttl": Schema.number("seconds to hold (default 300)"),
                    "wait": Schema.number("seconds to queue for it (default 0)"), "force": Schema.boolean("release someone else's lock"),
                ], required: ["action"])),
        Tool(
            name: "session", description: "Your work session: begin (purpose, identity, files), note, phase, done, whoami, or list all.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["begin", "note", "phase", "done", "whoami", "list"]),
                    "purpose": Schema.string("begin: what the session is for"), "identity": Schema.string("begin: claim a port for it"),
                    "files": Schema.strings("begin: absolute paths to claim"), "text": Schema.string("note / done: the text"),
                    "type": Schema.string("note type", oneOf: ["note", "handoff", "finding", "blocker", "commit"]),
                    "phase": Schema.string("phase", oneOf: ["planning", "in_progress", "testing", "reviewing", "completed", "abandoned"]),
                    "abandon": Schema.boolean("done: end as abandoned"),
                ], required: ["action"])),
        Tool(
            name: "files", description: "Advisory file claims: claim or release paths for your session, see who owns a path, or list all.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["claim", "release", "who_owns", "list"]),
                    "paths": Schema.strings("absolute paths"), "path": Schema.string("who_owns: absolute path"),
                    "force": Schema.boolean("claim: take paths another session holds"),
                ], required: ["action"])),
        Tool(
            name: "agent", description: "This MCP connection is an agent: heartbeat, update its identity/purpose (register), or list agents.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["register", "heartbeat", "list"]),
                    "identity": Schema.string("register: identity you work on"), "purpose": Schema.string("register: what you do"),
                ], required: ["action"])),
        Tool(
            name: "salvage", description: "Work left by dead agents: list (optionally by project), claim into your session, complete, dismiss.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["list", "claim", "complete", "dismiss"]),
                    "agent": Schema.string("the dead agent's id"), "project": Schema.string("list: only this project"),
                ], required: ["action"])),
        Tool(
            name: "inbox", description: "Direct messages: send to an agent, read yours (all or unread), or mark all read.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["send", "read", "read_all"]),
                    "to": Schema.string("send: recipient agent id"), "message": Schema.string("send: text"),
                    "unread": Schema.boolean("read: only unread"),
                ], required: ["action"])),
        Tool(
            name: "integration", description: "Signal that an identity is ready or needs something, or list signals.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["ready", "needs", "list"]),
                    "identity": Schema.string("identity"), "detail": Schema.string("detail"),
                ], required: ["action"])),
        Tool(
            name: "stack",
            description: "Run the project's .portdaddyrc services: up (in dependency order, waits until ready), ps, logs, restart, down.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["up", "down", "ps", "logs", "restart"]),
                    "dir": Schema.string("absolute path of the project (holds .portdaddyrc)"),
                    "services": Schema.strings("only these services (up: with what they need; logs: the first)"),
                    "context": Schema.string("identity context (default: the git branch)"), "lines": Schema.integer("logs: how many (default 50)"),
                    "no_health": Schema.boolean("up: ready once started"),
                ], required: ["action", "dir"])),
        Tool(
            name: "tuple",
            description:
                "Tuple space: out (write a JSON array), rd (read by pattern), in (take atomically), scan, rm. "
                + "Pattern elements: a value, \"*\", \">N\"/\"<N\", \"myapp:*\", {\"$eq\": v}.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["out", "rd", "in", "scan", "rm"]),
                    "tuple": Schema.array("out: the tuple"), "pattern": Schema.array("rd/in: the pattern, same length as the tuples"),
                    "harbor": Schema.string("harbor (default global)"), "ttl": Schema.number("out: seconds to live"),
                    "wait": Schema.number("rd/in: seconds to wait for a match"), "all": Schema.boolean("rd/in: every match"),
                    "limit": Schema.integer("rd/in with all, scan: max tuples"), "id": Schema.integer("rm: tuple id"),
                ], required: ["action"])),
        Tool(
            name: "pheromone",
            description:
                "Decaying trails: spray (add/set/max, 0..1), sniff one thing, list, or files (hottest files: contention from refused claims).",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["spray", "sniff", "list", "files"]),
                    "kind": Schema.string("spray/sniff", oneOf: ["service", "file", "agent", "session", "channel", "custom"]),
                    "id": Schema.string("spray/sniff: what is marked (files: absolute path)"), "key": Schema.string("spray: trail name"),
                    "strength": Schema.number("spray: 0 to 1"), "mode": Schema.string("spray", oneOf: ["add", "set", "max"]),
                    "half_life": Schema.number("spray: seconds to halve"), "harbor": Schema.string("harbor (default global)"),
                    "min": Schema.number("list: weakest value (default 0.01)"), "limit": Schema.integer("files: max files"),
                ], required: ["action"])),
        Tool(
            name: "say",
            description: "Say one thing everywhere in one transaction: a session note, optionally a pinned tuple, file heat and channel messages.",
            inputSchema: Schema.object(
                [
                    "text": Schema.string("what you have to say"),
                    "type": Schema.string("the note's type", oneOf: ["note", "handoff", "finding", "blocker", "commit"]),
                    "pin": Schema.boolean("also pin the tuple [\"note\", agent, session, text]"),
                    "heat": Schema.numberMap("absolute file path → heat 0..1"),
                    "broadcast": Schema.strings("channels to publish it on"), "harbor": Schema.string("harbor (default global)"),
                    "no_note": Schema.boolean("write no note (no session needed)"),
                ], required: ["text"])),
        Tool(
            name: "look",
            description:
                "Situational awareness: look (recent activity, notes, salvage, agents, runs), briefing (everything live), "
                + "advise (checks before touching a file: holders, salvage, heat, locks; verdict clear/caution/blocked).",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["look", "briefing", "advise"]),
                    "since": Schema.string("look: how far back, e.g. 30m"), "project": Schema.string("look/briefing/advise: the project"),
                    "heat": Schema.boolean("look: with the hottest files"), "path": Schema.string("advise: absolute file path"),
                    "task": Schema.string("advise: what you are about to do"), "tuples": Schema.boolean("advise: tuples mentioning the file"),
                ], required: ["action"])),
        Tool(
            name: "memory",
            description:
                "Long memory: tiers, one construct (tier), episodes (findings, handoffs, blockers, outcomes), stats, changelog, changelog_add.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["tiers", "tier", "episodes", "stats", "changelog", "changelog_add"]),
                    "name": Schema.string("tier: construct, e.g. active-file-claims"), "project": Schema.string("episodes/stats: project"),
                    "type": Schema.string("episodes: handoff/finding/blocker/outcome; changelog_add: feat/fix/refactor/docs/chore/note"),
                    "since": Schema.string("episodes/changelog: e.g. 7d"), "limit": Schema.integer("episodes/changelog: max entries"),
                    "identity": Schema.string("changelog: pattern; changelog_add: the identity"), "summary": Schema.string("changelog_add"),
                ], required: ["action"])),
        Tool(
            name: "fleet",
            description: "Running fleets (read only): each agent's status, queue depth and last run, and the panic state.",
            inputSchema: Schema.object(["project": Schema.string("only this project's fleet")])),
        Tool(
            name: "wallet",
            description: "Money, read only: project wallets (balance, daily budget, spend), bonds, runs over budget (pending), the panic switch.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to read", oneOf: ["list", "show", "bonds", "pending", "panic"]),
                    "project": Schema.string("show (required), bonds: the project"),
                    "state": Schema.string("bonds", oneOf: ["escrowed", "refunded", "slashed", "held"]),
                ], required: ["action"])),
        Tool(
            name: "runs",
            description:
                "AI agent runs: spawn (or sortie: a durable mission) an agent with a USD budget, list, status, kill its whole tree. Spends budget.",
            inputSchema: Schema.object(
                [
                    "action": Schema.string("what to do", oneOf: ["spawn", "list", "status", "kill", "sortie"]),
                    "backend": Schema.string("spawn: claude-cli, codex, aider, gemini, claude, ollama, openai or custom"),
                    "task": Schema.string("spawn: what the agent should do"), "budget_usd": Schema.string("spawn: hard cap in USD, e.g. 0.50"),
                    "workdir": Schema.string("spawn: absolute working directory"), "model": Schema.string("spawn: the model"),
                    "identity": Schema.string("spawn: e.g. myapp:fixer"), "name": Schema.string("spawn: display name"),
                    "timeout": Schema.string("spawn: e.g. 30m"), "program": Schema.string("custom: the program"),
                    "args": Schema.strings("custom: its arguments"), "telemetry": Schema.string("custom: report", oneOf: ["report"]),
                    "dry_run": Schema.boolean("spawn: only the preflight and argv"), "run": Schema.string("status / kill: run or agent id"),
                    "all": Schema.boolean("list: every run kept"), "project": Schema.string("list: one project's runs"),
                ], required: ["action"])),
        Tool(
            name: "activity", description: "The audit trail of claims, locks, sessions and salvage, newest last.",
            inputSchema: Schema.object(
                [
                    "since_minutes": Schema.number("only the last N minutes"), "type": Schema.string("type or prefix, e.g. lock"),
                    "limit": Schema.integer("max records (default 50)"),
                ])),
    ]
}
