import PortDaddyAPI

extension CoordinationService {
    /// Starts a session for an agent (registering it if needed), claims a port when an identity is given, and
    /// claims the files (`trusted`: with the user's authority, so the snapshot watcher may read them). Returns the
    /// session, the port, and dead agents of the project.
    public func begin(
        purpose: String, agent raw: String, identity: String?, files: [String], pid: Int32?, name: String? = nil,
        trusted: Bool = false, fileHashes: [String: String] = [:]
    ) throws(PortDaddyError) -> (
        SessionInfo, Int?, [String]
    ) {
        let purposeText = purpose.trimmingWhitespace()
        guard !purposeText.isEmpty, purposeText.utf8.count <= 2000 else {
            throw .invalidRequest("purpose must be 1 to 2000 characters")
        }
        let targets = try files.map { (file) throws(PortDaddyError) in
            try Self.validatedTarget(FileClaimTarget(path: file, contentHash: fileHashes[file]))
        }
        let paths = targets.map(\.0.path)
        let id = try Self.agentID(raw)
        // Check what would make the session fail before registering or claiming anything.
        try store.read { tx throws in
            if let active = try tx.activeSession(of: id) { throw PortDaddyError.sessionActive(agent: id, session: active.id) }
            for path in paths {
                if let holder = try tx.activeFileClaim(path) {
                    observer?.fileClaimRefused(path)
                    throw PortDaddyError.fileClaimed(path: path, agent: holder.agentID, session: holder.sessionID)
                }
            }
        }
        var claimCommand: ClaimCommand?
        if let identity {
            // The session holds its port (sticky) until done; no shell's PID decides it.
            claimCommand = try ClaimCommand.validated(id: identity, port: nil, fallback: nil, pid: nil, ttlSeconds: nil, sticky: true)
        }
        let (_, dead) = try register(id: raw, identity: identity, purpose: purposeText, pid: nil, ttlSeconds: nil, name: name)
        var port: Int?
        var ownsClaim = false
        if let command = claimCommand {
            let outcome = try claims.claim(command, by: id)
            port = outcome.claim.port
            ownsClaim = !outcome.existing
        }
        let normalizedIdentity = ownsClaim ? claimCommand?.identity.description : nil
        let now = clock.nowMillis()
        let written: SessionInfo
        do {
            written = try store.write { tx throws -> SessionInfo in
                if let active = try tx.activeSession(of: id) { throw PortDaddyError.sessionActive(agent: id, session: active.id) }
                let record = SessionRecord(
                    id: String.randomID(prefix: "ses-"), agentID: id, purpose: purposeText, identity: normalizedIdentity, phase: .planning,
                    state: "active", startedAt: now, endedAt: nil)
                try tx.saveSession(record)
                _ = try Self.claimFiles(targets, session: record, force: false, trusted: trusted, now: now, tx)
                return try Self.sessionInfo(record, tx)
            }
        } catch {
            if ownsClaim, let identity = normalizedIdentity { _ = try? claims.releaseUnrecorded(identity) }
            throw error
        }
        activity?.record(.sessionBegin, actor: id, subject: written.id, detail: purposeText)
        if !paths.isEmpty { observer?.filesClaimed(paths, session: written.id) }
        return (written, port, dead)
    }

    /// Adds a note to the agent's active session.
    /// The purpose of the session a note starts when the agent has none, so that no first note is lost.
    public static let quickNotesPurpose = SessionPurpose.quickNotes

    /// Adds a note to the agent's active session; an agent without one gets a "quick notes" session started for it.
    public func note(agent raw: String, text: String, type: NoteType) throws(PortDaddyError) -> NoteInfo {
        let id = try Self.agentID(raw)
        let body = try Self.noteText(text)
        var started = false
        while true {
            do {
                var (note, identity) = try addNote(agent: id, text: body, type: type)
                if started { note.startedSession = true }
                noteCommitted(note, agent: id, identity: identity)
                return note
            } catch .noActiveSession where !started {
                started = true
                // Another note may have started one meanwhile: then this one goes there.
                do { _ = try begin(purpose: Self.quickNotesPurpose, agent: raw, identity: nil, files: [], pid: nil) } catch .sessionActive {}
            }
        }
    }

    /// A note's text, trimmed and checked (1 to 16 KiB).
    static func noteText(_ text: String) throws(PortDaddyError) -> String {
        let body = text.trimmingWhitespace()
        guard !body.isEmpty, body.utf8.count <= 16 * 1024 else { throw .invalidRequest("a note must be 1 to 16384 bytes") }
        return body
    }

    /// Writes a checked note into the agent's active session (`NO_SESSION` without one); returns it with the
    /// session's identity. Inside `SQLiteStore.atomically` it joins that transaction; call `noteCommitted` after.
    func addNote(agent id: String, text body: String, type: NoteType) throws(PortDaddyError) -> (NoteInfo, String?) {
        let now = clock.nowMillis()
        return try store.write { tx throws -> (NoteInfo, String?) in
            guard let session = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
            let identity = try session.identity ?? tx.agent(id)?.identity
            return (try tx.addNote(session: session.id, type: type, text: body, at: now), identity)
        }
    }

    /// The id of the agent's active session, if any.
    func activeSessionID(of id: String) throws(PortDaddyError) -> String? {
        try store.read { tx in try tx.activeSession(of: id)?.id }
    }

    /// What follows a committed note: episodes (through the observer) and the activity log.
    func noteCommitted(_ note: NoteInfo, agent id: String, identity: String?) {
        observer?.noteWritten(note, agent: id, identity: identity)
        activity?.record(.sessionNote, actor: id, subject: note.sessionID, detail: note.type.rawValue)
    }

    /// Notes of the agent's active session, or of every session of the agent with `all`.
    public func notes(agent raw: String, all: Bool) throws(PortDaddyError) -> [NoteInfo] {
        let id = try Self.agentID(raw)
        return try store.read { tx throws -> [NoteInfo] in
            let sessions = all ? try tx.sessions(of: id, includeEnded: true) : try tx.activeSession(of: id).map { [$0] } ?? []
            if !all && sessions.isEmpty { throw PortDaddyError.noActiveSession(agent: id) }
            return try sessions.flatMap { try tx.notes(of: $0.id) }
        }
    }

    /// Sets the phase of the agent's active session.
    public func phase(agent raw: String, _ phase: SessionPhase) throws(PortDaddyError) -> SessionInfo {
        if phase == .completed || phase == .abandoned {
            return try done(agent: raw, note: nil, abandon: phase == .abandoned)
        }
        let id = try Self.agentID(raw)
        let session = try store.write { tx throws -> SessionInfo in
            guard var session = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
            session.phase = phase
            try tx.saveSession(session)
            return try Self.sessionInfo(session, tx)
        }
        activity?.record(.sessionPhase, actor: id, subject: session.id, detail: phase.rawValue)
        return session
    }

    /// Ends the agent's active session (completed, or abandoned), releasing its file claims and its port.
    public func done(agent raw: String, note: String?, abandon: Bool) throws(PortDaddyError) -> SessionInfo {
        let id = try Self.agentID(raw)
        let now = clock.nowMillis()
        var handoff: (NoteInfo, String?)?
        let session = try store.write { tx throws -> SessionInfo in
            guard var session = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
            if let note, !note.trimmingWhitespace().isEmpty {
                let written = try tx.addNote(session: session.id, type: .handoff, text: note.trimmingWhitespace(), at: now)
                handoff = (written, try session.identity ?? tx.agent(id)?.identity)
            }
            let info = try Self.sessionInfo(session, tx)
            for path in info.files { try tx.removeFileClaim(path: path, session: session.id) }
            session.state = abandon ? "abandoned" : "completed"
            session.phase = abandon ? .abandoned : .completed
            session.endedAt = now
            try tx.saveSession(session)
            var ended = try Self.sessionInfo(session, tx)
            ended.files = info.files
            return ended
        }
        if let (note, identity) = handoff { observer?.noteWritten(note, agent: id, identity: identity) }
        if let identity = session.identity { releaseSessionClaim(identity, by: id, note: "session \(session.id) ended") }
        activity?.record(abandon ? .sessionAbandon : .sessionDone, actor: id, subject: session.id)
        return session
    }

    /// Sessions: active ones (of one agent, or all agents), or every session with `includeEnded`.
    public func sessions(agent raw: String?, includeEnded: Bool) throws(PortDaddyError) -> [SessionInfo] {
        let id = try raw.map { raw throws(PortDaddyError) in try Self.agentID(raw) }
        return try store.read { tx in try tx.sessions(of: id, includeEnded: includeEnded).map { try Self.sessionInfo($0, tx) } }
    }

    /// Releases the port claim a session made (sessions record an identity only for claims they created); the
    /// release is recorded when `note` says why.
    func releaseSessionClaim(_ identity: String, by actor: String? = nil, note: String? = nil) {
        if let note { _ = try? claims.release(identity, by: actor, note: note) } else { _ = try? claims.releaseUnrecorded(identity) }
    }
}
