import PortDaddyAPI

/// The store operation `pd say` needs: several services' writes in one transaction.
public protocol AtomicStore: Sendable {
    /// Runs `body` as one transaction: its writes commit together or not at all.
    func atomically<T>(_ body: () throws(PortDaddyError) -> T) throws(PortDaddyError) -> T
}

extension SQLiteStore: AtomicStore {}

/// `pd say`: one text becomes a note in the agent's session, a pinned tuple, heat on files and messages on channels —
/// all in one SQLite transaction, so any failing part (a bad channel name, no session, a full harbor, a storage
/// error) leaves none of them written.
///
/// Every part is checked before anything is written. Then the channel, tuple and pheromone locks are taken in that
/// order (each service alone takes only its own, so no cycle), the transaction runs inside them, and only after the
/// commit are messages delivered to live subscribers, waiting tuple readers and takers woken, and the note's
/// episode and activity recorded.
public final class SayService: Sendable {
    /// The trail `--heat PATH=V` keeps on a file (mode `max`).
    public static let heatKey = "said"

    let store: any AtomicStore
    let coordination: CoordinationService
    let tuples: TupleSpace
    let pheromones: PheromoneService
    let channels: ChannelService

    public init(
        store: any AtomicStore, coordination: CoordinationService, tuples: TupleSpace, pheromones: PheromoneService, channels: ChannelService
    ) {
        self.store = store
        self.coordination = coordination
        self.tuples = tuples
        self.pheromones = pheromones
        self.channels = channels
    }

    /// Writes everything the request asks for as `agent`, or nothing.
    public func say(_ request: SayRequest, agent raw: String) throws(PortDaddyError) -> SayResponse {
        let agent = try CoordinationService.agentID(raw)
        let text = try CoordinationService.noteText(request.text)
        let writesNote = !(request.noNote ?? false)
        let sprays = try (request.heat ?? []).map { (heat) throws(PortDaddyError) in
            try pheromones.checked(
                PheromoneSprayRequest(
                    harbor: request.harbor, kind: PheromoneKind.file.rawValue, id: heat.path, key: Self.heatKey, strength: heat.value, mode: .max),
                by: agent)
        }
        let broadcasts = try (request.broadcast ?? []).map { (raw) throws(PortDaddyError) in
            (channel: try ChannelService.name(raw), body: text)
        }
        _ = try ChannelService.checkMessage(text, sender: agent, signal: nil)
        // The pin's harbor and size are checked now; its session element is filled in inside the transaction.
        let pin = try (request.pin ?? false) ? tuples.draft(TupleOutRequest(harbor: request.harbor, tuple: [.string("note")]), writer: agent) : nil
        guard writesNote || pin != nil || !sprays.isEmpty || !broadcasts.isEmpty else {
            throw .invalidRequest("--no-note with nothing else to write (give --pin, --heat or --broadcast)")
        }

        var result = SayResponse(note: nil, tuple: nil, pheromones: [], messages: [])
        var identity: String?
        var wake: [() -> Void] = []
        try channels.publishing.withLock { _ throws(PortDaddyError) in
            try tuples.state.withLock { (st: inout TupleSpace.State) throws(PortDaddyError) in
                try pheromones.lock.withLock { _ throws(PortDaddyError) in
                    try store.atomically { () throws(PortDaddyError) in
                        if writesNote { (result.note, identity) = try coordination.addNote(agent: agent, text: text, type: request.type ?? .note) }
                        if var pin {
                            var session = result.note?.sessionID
                            if session == nil { session = try coordination.activeSessionID(of: agent) }
                            pin.tuple = [.string("note"), .string(agent), session.map(JSONValue.string) ?? .null, .string(text)]
                            try TupleSpace.checkSize(pin.tuple)
                            let (written, resumptions) = try tuples.insert(pin, &st)
                            (result.tuple, wake) = (written, resumptions)
                        }
                        result.pheromones = try sprays.map { (spray) throws(PortDaddyError) in
                            let row = try pheromones.apply(spray)
                            return PheromoneService.info(row, now: row.t0)
                        }
                        result.messages = try channels.append(broadcasts, sender: agent)
                    }
                }
            }
            // Committed: deliver while still holding the publishing lock, so subscribers see ids in order.
            for message in result.messages { channels.deliverCommitted(message) }
        }
        wake.forEach { $0() }
        if let note = result.note { coordination.noteCommitted(note, agent: agent, identity: identity) }
        return result
    }
}
