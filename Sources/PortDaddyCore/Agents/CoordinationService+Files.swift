import PortDaddyAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CoordinationService {
    // MARK: file claims

    /// Paths must be absolute; they are normalized (`.`/`..`) and their longest existing prefix is resolved to
    /// its real path (the daemon runs as the same user), so a symlinked spelling names the same file.
    static func validatedPath(_ raw: String) throws(PortDaddyError) -> String {
        guard raw.hasPrefix("/"), raw.utf8.count <= 4096, !raw.contains("\0") else {
            throw .invalidRequest("path \"\(raw)\" must be absolute")
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        // Resolve the longest prefix that exists; keep the rest (files that do not exist yet) as written.
        for cut in stride(from: parts.count, through: 1, by: -1) {
            let prefix = "/" + parts[0..<cut].joined(separator: "/")
            guard let resolved = realpath(prefix, nil) else { continue }
            defer { free(resolved) }
            let real = String(cString: resolved)
            let rest = parts[cut...].joined(separator: "/")
            return rest.isEmpty ? real : (real == "/" ? "/" + rest : real + "/" + rest)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A claim target checked: its path normalized, its region valid, its hash 64 lowercase hex digits.
    static func validatedTarget(_ target: FileClaimTarget) throws(PortDaddyError) -> (FileRegion, String?) {
        let region = try FileRegion(
            path: try validatedPath(target.path), startLine: target.startLine, endLine: target.endLine, symbol: target.symbol
        ).validated()
        if let hash = target.contentHash {
            guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw .invalidRequest("contentHash must be a SHA-256 in 64 lowercase hex digits")
            }
        }
        return (region, target.contentHash)
    }

    /// Grants `targets` to `session`, all or nothing: a region another session's claim overlaps fails naming that
    /// holder, unless `force` (which ends the overlapping claims). Each grant gets the path's next fencing token.
    static func claimFiles(
        _ targets: [(FileRegion, String?)], session: SessionRecord, force: Bool, trusted: Bool, now: Int64, _ tx: any CoordinationTransaction
    ) throws -> [FileClaimInfo] {
        func others(_ region: FileRegion) throws -> [FileClaimInfo] {
            try tx.activeFileClaims(on: region.path).filter { $0.sessionID != session.id && $0.region.overlaps(region) }
        }
        if !force {
            for (region, _) in targets {
                if let holder = try others(region).first {
                    throw PortDaddyError.fileClaimed(path: region.path, agent: holder.agentID, session: holder.sessionID)
                }
            }
        }
        return try targets.map { region, hash in
            if force { for holder in try others(region) { try tx.removeFileClaim(path: holder.path, session: holder.sessionID) } }
            return try tx.addFileClaim(
                FileGrant(region: region, sessionID: session.id, agentID: session.agentID, at: now, contentHash: hash, trusted: trusted))
        }
    }

    /// Claims whole files for the agent's active session; fails naming the holder unless `force`.
    public func claimFiles(agent raw: String, paths: [String], force: Bool) throws(PortDaddyError) -> [FileClaimInfo] {
        try claimFiles(agent: raw, targets: paths.map { FileClaimTarget(path: $0) }, force: force, trusted: false)
    }

    /// Claims files, regions or symbols for the agent's active session, all or nothing; fails naming the holder of
    /// an overlapping claim unless `force`. `trusted`: made with the user's authority (the snapshot watcher may
    /// read these files). A session holds one claim per path: claiming a path again replaces the region.
    public func claimFiles(agent raw: String, targets: [FileClaimTarget], force: Bool, trusted: Bool) throws(PortDaddyError) -> [FileClaimInfo] {
        let id = try Self.agentID(raw)
        let checked = try targets.map { target throws(PortDaddyError) in try Self.validatedTarget(target) }
        guard !checked.isEmpty else { throw .invalidRequest("give at least one path") }
        guard checked.count <= 1000 else { throw .invalidRequest("at most 1000 files per claim") }
        let paths = checked.map(\.0.path)
        let now = clock.nowMillis()
        let claimed: [FileClaimInfo]
        do {
            claimed = try store.write { tx throws -> [FileClaimInfo] in
                guard let session = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
                return try Self.claimFiles(checked, session: session, force: force, trusted: trusted, now: now, tx)
            }
        } catch .fileClaimed(let path, let agent, let session) {
            observer?.fileClaimRefused(path)
            throw .fileClaimed(path: path, agent: agent, session: session)
        }
        observer?.filesClaimed(paths, session: claimed.first?.sessionID)
        activity?.record(force ? .filesClaimForce : .filesClaim, actor: id, subject: checked.map(\.0.description).joined(separator: " "))
        return claimed
    }

    /// Releases some of the agent's file claims.
    public func releaseFiles(agent raw: String, paths: [String]) throws(PortDaddyError) {
        let id = try Self.agentID(raw)
        let normalized = try paths.map(Self.validatedPath)
        try store.write { tx throws in
            guard let session = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
            for path in normalized { try tx.removeFileClaim(path: path, session: session.id) }
        }
    }

    /// Every active claim on a file (regions of several sessions may share it), oldest grant first.
    public func owners(_ raw: String) throws(PortDaddyError) -> [FileClaimInfo] {
        let path = try Self.validatedPath(raw)
        return try store.read { tx in try tx.activeFileClaims(on: path) }
    }

    public func whoOwns(_ raw: String) throws(PortDaddyError) -> FileClaimInfo? { try owners(raw).first }

    public func files() throws(PortDaddyError) -> [FileClaimInfo] { try store.read { tx in try tx.activeFileClaims() } }

    /// Claims of active sessions made with the user's authority: the files the snapshot watcher may read.
    public func trustedFileClaims() throws(PortDaddyError) -> [FileClaimInfo] { try store.read { tx in try tx.trustedActiveFileClaims() } }

    /// Claims by another live session that overlap the whole of each path (for `pd guard` and `pd add`, which
    /// stage whole files: any region another session holds conflicts).
    public func conflicts(agent raw: String?, paths: [String]) throws(PortDaddyError) -> [FileClaimInfo] {
        try conflicts(agent: raw, regions: paths.map { FileRegion(path: $0) })
    }

    /// Claims by another live session (any session when `agent` is nil) that overlap one of `regions`.
    public func conflicts(agent raw: String?, regions: [FileRegion]) throws(PortDaddyError) -> [FileClaimInfo] {
        let id = try raw.map { raw throws(PortDaddyError) in try Self.agentID(raw) }
        let normalized = try regions.map { region throws(PortDaddyError) in
            var region = region
            region.path = try Self.validatedPath(region.path)
            return region
        }
        return try store.read { tx in
            try normalized.flatMap { region in
                try tx.activeFileClaims(on: region.path).filter { $0.agentID != id && $0.region.overlaps(region) }
            }
        }
    }

    /// `pd guard`: the conflicts, and with `strict` the caller's active session and every path its session does not
    /// hold with a live grant: never claimed (`unclaimed`), or its token superseded (`stale`: the claim went to
    /// salvage and was re-granted to someone else, or waits there).
    public func check(agent raw: String?, paths: [String], strict: Bool) throws(PortDaddyError) -> FileCheckResponse {
        let conflicts = try conflicts(agent: raw, paths: paths)
        guard strict else { return FileCheckResponse(conflicts: conflicts) }
        guard let raw else { throw .invalidRequest("the strict check needs the caller's agent (X-PD-Agent)") }
        let id = try Self.agentID(raw)
        let normalized = try paths.map(Self.validatedPath)
        return try store.read { tx in
            let session = try tx.activeSession(of: id)
            let problems = try normalized.compactMap { path in try Self.strictProblem(path, agent: id, session: session, tx) }
            return FileCheckResponse(conflicts: conflicts, sessionID: session?.id, problems: problems)
        }
    }

    static func strictProblem(_ path: String, agent: String, session: SessionRecord?, _ tx: any CoordinationTransaction) throws
        -> FileCheckProblem?
    {
        let latest = try tx.latestFileToken(path)
        let holders = try tx.activeFileClaims(on: path)
        let mine = session.flatMap { session in holders.first { $0.sessionID == session.id } }
        // A live claim of yours is the latest grant of its region: an overlapping grant to anyone else would have
        // been refused, or would have ended yours (--force, salvage). Other sessions' regions are conflicts.
        if let mine, mine.token != nil { return nil }
        let holder = holders.first { $0.agentID != agent }
        let claimAgain = "pd claim-files \(path)"
        let action = holder.map { "held by \($0.agentID) now (token \($0.token ?? 0)): coordinate with it, or \(claimAgain) --force" } ?? claimAgain
        guard let last = try mine ?? tx.lastFileClaim(of: agent, path: path) else {
            return FileCheckProblem(path: path, reason: .unclaimed, token: nil, latestToken: latest, holder: holder, action: action)
        }
        // Your own earlier session, found dead, still holds it in salvage: take your work back.
        let waiting = try tx.session(last.sessionID)?.state == "salvage"
        return FileCheckProblem(
            path: path, reason: .stale, token: last.token, latestToken: latest, holder: holder,
            action: waiting ? "pd salvage claim \(agent)" : action)
    }
}
