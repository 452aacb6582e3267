import PortDaddyAPI

/// The ten checks of `pd advise`, in their fixed order. Each reads only the facts gathered beforehand, so the
/// outcome depends on state alone.
enum AdviceChecks {
    static func all(_ f: AdviceFacts) -> [AdviceCheck] {
        var checks = [session(f), context(f), foreignClaim(f), ownClaim(f), freshness(f), salvage(f), channels(f)]
        if f.query.tuples { checks.append(tuples(f)) }
        checks += [heat(f), lockCandidate(f)]
        return checks
    }

    static func session(_ f: AdviceFacts) -> AdviceCheck {
        guard f.query.agent != nil else {
            return AdviceCheck(id: "session", status: .warn, evidence: "no agent id (set PD_AGENT_ID or pass --agent)", action: nil)
        }
        guard let s = f.session else {
            let task = f.query.task ?? "describe your task"
            return AdviceCheck(id: "session", status: .warn, evidence: "you have no active session", action: ShellWord.line(["pd", "begin", task]))
        }
        return AdviceCheck(id: "session", status: .ok, evidence: "session \(s.id) (\(s.phase.rawValue)): \(s.purpose)")
    }

    static func context(_ f: AdviceFacts) -> AdviceCheck {
        guard let project = f.query.project?.lowercased() else {
            return AdviceCheck(id: "context", status: .info, evidence: "the path is not in a project the CLI recognised")
        }
        guard let s = f.session else { return AdviceCheck(id: "context", status: .info, evidence: "no session to compare with project \(project)") }
        guard let identity = s.identity else {
            return AdviceCheck(id: "context", status: .warn, evidence: "your session names no identity; the path is in project \(project)")
        }
        let sessionProject = identity.split(separator: ":").first.map(String.init) ?? identity
        guard sessionProject == project else {
            return AdviceCheck(
                id: "context", status: .warn, evidence: "your session is for \(identity); the path is in project \(project)", action: nil)
        }
        return AdviceCheck(id: "context", status: .ok, evidence: "your session is for \(identity), the path's project")
    }

    static func foreignClaim(_ f: AdviceFacts) -> AdviceCheck {
        guard let first = f.foreign.first else {
            return AdviceCheck(id: "foreign-claim", status: .ok, evidence: "no other live session holds \(f.path)")
        }
        let holders = f.foreign.map { "\($0.agentID) (session \($0.sessionID)\(region($0)))" }.joined(separator: ", ")
        return AdviceCheck(
            id: "foreign-claim", status: .block, evidence: "held by \(holders)",
            action: ShellWord.line(["pd", "inbox", "send", first.agentID, "may I change \(f.path)?"]))
    }

    static func ownClaim(_ f: AdviceFacts) -> AdviceCheck {
        if let mine = f.own.first {
            let token = mine.token.map { ", token \($0)" } ?? ""
            return AdviceCheck(id: "own-claim", status: .ok, evidence: "your session holds it\(region(mine))\(token)")
        }
        return AdviceCheck(
            id: "own-claim", status: .warn, evidence: "your session does not hold \(f.path)", action: ShellWord.line(["pd", "claim-files", f.path]))
    }

    static func freshness(_ f: AdviceFacts) -> AdviceCheck {
        guard let claimed = f.own.first(where: { $0.contentHash != nil })?.contentHash else {
            return AdviceCheck(id: "freshness", status: .info, evidence: "no content hash was recorded with your claim")
        }
        guard let now = f.query.hash else { return AdviceCheck(id: "freshness", status: .info, evidence: "the file's current hash was not sent") }
        guard now == claimed else {
            return AdviceCheck(
                id: "freshness", status: .warn,
                evidence: "changed since you claimed it (sha256 \(claimed.prefix(12)) then, \(now.prefix(12)) now): re-read it before editing",
                action: nil)
        }
        return AdviceCheck(id: "freshness", status: .ok, evidence: "unchanged since you claimed it (sha256 \(now.prefix(12)))")
    }

    static func salvage(_ f: AdviceFacts) -> AdviceCheck {
        guard let first = f.salvage.first else { return AdviceCheck(id: "salvage", status: .ok, evidence: "no waiting salvage touches it") }
        let dead = f.salvage.map(\.agentID).joined(separator: ", ")
        return AdviceCheck(
            id: "salvage", status: .warn, evidence: "dead agents' work includes this file: \(dead)",
            action: ShellWord.line(["pd", "salvage", "claim", first.agentID]))
    }

    static func channels(_ f: AdviceFacts) -> AdviceCheck {
        guard let first = f.channels.first else { return AdviceCheck(id: "channels", status: .ok, evidence: "this repository declares no channels") }
        return AdviceCheck(
            id: "channels", status: .info, evidence: "this repository declares \(f.channels.joined(separator: ", "))",
            action: ShellWord.line(["pd", "sub", first]))
    }

    static func tuples(_ f: AdviceFacts) -> AdviceCheck {
        guard !f.tuples.isEmpty else { return AdviceCheck(id: "tuples", status: .ok, evidence: "no tuple mentions it") }
        let ids = f.tuples.map { "#\($0.id) in \($0.harbor)" }.joined(separator: ", ")
        return AdviceCheck(id: "tuples", status: .info, evidence: "tuples mention it: \(ids)", action: nil)
    }

    static func heat(_ f: AdviceFacts) -> AdviceCheck {
        let shown = (f.heat * 100).rounded() / 100
        guard shown >= Advisor.hotFile else {
            return AdviceCheck(id: "heat", status: .ok, evidence: "heat \(Self.decimal(shown)) (warns from \(Self.decimal(Advisor.hotFile)))")
        }
        let trails = f.trails.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.decimal($0.value))" }.joined(separator: ", ")
        return AdviceCheck(
            id: "heat", status: .warn, evidence: "heat \(Self.decimal(shown)) (\(trails)): a hot file, others are at or around it",
            action: ShellWord.line(["pd", "pheromone", "sniff", "--kind", "file", "--id", f.path]))
    }

    static func lockCandidate(_ f: AdviceFacts) -> AdviceCheck {
        guard let rule = LockCandidate.rule(for: f.path) else {
            return AdviceCheck(id: "lock-candidate", status: .ok, evidence: "no rule asks for a lock on this kind of file")
        }
        let project = f.query.project.flatMap { try? LockName(parsing: $0).value } ?? "repo"
        let name = "\(project):\(rule.lock)"
        return AdviceCheck(
            id: "lock-candidate", status: .info, evidence: "\(rule.why); serialize changes with a lock",
            action: ShellWord.line(["pd", "with-lock", name, "--"]) + " …")
    }

    static func region(_ claim: FileClaimInfo) -> String {
        if let symbol = claim.symbol { return ", symbol \(symbol)" }
        switch (claim.startLine, claim.endLine) {
        case (nil, nil): return ""
        case (let a, let b): return ", lines \(a.map(String.init) ?? "")-\(b.map(String.init) ?? "")"
        }
    }

    /// Two decimals, always (0.50, not 0.5), so equal state prints equal text.
    static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// The documented kinds of file whose changes should be serialized with a lock.
enum LockCandidate {
    struct Rule {
        /// The lock's last segment (`migrations`, `schema`, `lockfile`, `config`).
        var lock: String
        var why: String
    }

    static let lockfiles: Set<String> = [
        "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "package.resolved", "poetry.lock", "pipfile.lock", "gemfile.lock",
        "composer.lock", "go.sum", "uv.lock",
    ]

    static func rule(for path: String) -> Rule? {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        if path.contains("/migrations/") { return Rule(lock: "migrations", why: "a database migration (**/migrations/**)") }
        if name.hasSuffix(".sql") { return Rule(lock: "schema", why: "an SQL file (*.sql)") }
        if name.hasPrefix("schema.") { return Rule(lock: "schema", why: "a schema file (schema.*)") }
        if lockfiles.contains(name) { return Rule(lock: "lockfile", why: "a dependency lockfile (\(name))") }
        if name == ".portdaddyrc" { return Rule(lock: "config", why: "the project's .portdaddyrc") }
        return nil
    }
}
