import PortDaddyAPI

/// Note text is between the user's agents: the Unix socket or the user's token (`X-PD-Token`, or a dashboard tab
/// unlocked with `pd dashboard`'s code) reads it; any other local caller sees that notes exist (counts), not what
/// they say. Applied to every answer that carries notes; the briefing and episodes, which are mostly note text, need
/// the authority outright.
enum NoteText {
    /// The session as a caller who may (`visible`) or may not read note text sees it.
    static func session(_ session: SessionInfo, visible: Bool) -> SessionInfo {
        guard !visible else { return session }
        var withheld = session
        withheld.notesWithheld = session.notes.count
        withheld.notes = []
        return withheld
    }

    static func sessions(_ sessions: [SessionInfo], visible: Bool) -> [SessionInfo] { sessions.map { session($0, visible: visible) } }

    static func salvage(_ entries: [SalvageInfo], visible: Bool) -> [SalvageInfo] {
        entries.map { entry in
            var entry = entry
            entry.sessions = sessions(entry.sessions, visible: visible)
            return entry
        }
    }

    static func look(_ look: LookResponse, visible: Bool) -> LookResponse {
        guard !visible else { return look }
        var withheld = look
        withheld.notesWithheld = look.notes.count
        withheld.notes = []
        withheld.salvage = salvage(look.salvage, visible: visible)
        return withheld
    }

    static func session(_ s: SessionInfo, for context: PDRequestContext) -> SessionInfo { session(s, visible: context.hasUserAuthority) }
    static func sessions(_ s: [SessionInfo], for context: PDRequestContext) -> [SessionInfo] { sessions(s, visible: context.hasUserAuthority) }
    static func salvage(_ s: [SalvageInfo], for context: PDRequestContext) -> [SalvageInfo] { salvage(s, visible: context.hasUserAuthority) }
    static func look(_ l: LookResponse, for context: PDRequestContext) -> LookResponse { look(l, visible: context.hasUserAuthority) }
}
