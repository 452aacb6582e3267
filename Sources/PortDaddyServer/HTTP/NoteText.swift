import PortDaddyAPI

/// Note text is between the user's agents: the Unix socket or the user's token (`X-PD-Token`) reads it; a plain
/// local TCP caller sees that notes exist (counts), not what they say. Applied to every answer that carries notes;
/// the briefing and episodes, which are mostly note text, need the authority outright.
enum NoteText {
    /// The session as this caller may see it.
    static func session(_ session: SessionInfo, for context: PDRequestContext) -> SessionInfo {
        guard !context.hasUserAuthority else { return session }
        var withheld = session
        withheld.notesWithheld = session.notes.count
        withheld.notes = []
        return withheld
    }

    static func sessions(_ sessions: [SessionInfo], for context: PDRequestContext) -> [SessionInfo] {
        sessions.map { session($0, for: context) }
    }

    static func salvage(_ entries: [SalvageInfo], for context: PDRequestContext) -> [SalvageInfo] {
        entries.map { entry in
            var entry = entry
            entry.sessions = sessions(entry.sessions, for: context)
            return entry
        }
    }

    static func look(_ look: LookResponse, for context: PDRequestContext) -> LookResponse {
        guard !context.hasUserAuthority else { return look }
        var withheld = look
        withheld.notesWithheld = look.notes.count
        withheld.notes = []
        withheld.salvage = salvage(look.salvage, for: context)
        return withheld
    }
}
