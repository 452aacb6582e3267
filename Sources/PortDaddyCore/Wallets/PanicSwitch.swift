import PortDaddyAPI
import Synchronization

/// The two-step panic switch: `arm` with a reason, then `confirm` within the window (`PORT_DADDY_PANIC_WINDOW`,
/// 30 s) to fire it; `clear` puts it back. The state is stored, so a panic survives a daemon restart. What firing
/// does (killing every run) belongs to the caller; this only decides and remembers.
public final class PanicSwitch: Sendable {
    let store: any BudgetGuardStore
    let clock: any WallClock
    let activity: ActivityLog?
    /// Seconds between arming and the last moment to confirm.
    public let windowSeconds: Double
    let lock = Mutex(())

    public init(store: any BudgetGuardStore, windowSeconds: Double = 30, clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil) {
        self.store = store
        self.windowSeconds = windowSeconds
        self.clock = clock
        self.activity = activity
    }

    /// The switch as it is now (an armed switch whose window passed reads as calm).
    public func state() throws(PortDaddyError) -> PanicRecord {
        var record = try store.panicRecord()
        if record.state == .armed, (record.confirmBy ?? 0) < clock.nowMillis() { record.state = .calm }
        return record
    }

    /// Whether spawning is refused.
    public var isPanicked: Bool { (try? state().state) == .panicked }

    /// Arms the switch (a panicked switch stays panicked).
    public func arm(reason: String, by actor: String?) throws(PortDaddyError) -> PanicRecord {
        let why = try Self.reason(reason)
        let record = try lock.withLock { _ throws(PortDaddyError) -> PanicRecord in
            let current = try state()
            guard current.state != .panicked else { return current }
            let now = clock.nowMillis()
            let armed = PanicRecord(
                state: .armed, armedAt: now, confirmBy: now + Int64(windowSeconds * 1000), reason: why, by: actor, changedAt: now)
            try store.savePanic(armed)
            return armed
        }
        activity?.record(.panicArmed, actor: actor, subject: "panic", detail: why)
        return record
    }

    /// Fires an armed switch; `PANIC_NOT_ARMED` when it is not armed (or the window passed).
    public func confirm(reason: String, by actor: String?) throws(PortDaddyError) -> PanicRecord {
        let why = try Self.reason(reason)
        let record = try lock.withLock { _ throws(PortDaddyError) -> PanicRecord in
            let current = try state()
            if current.state == .panicked { return current }
            guard current.state == .armed else { throw PortDaddyError.panicNotArmed }
            let fired = PanicRecord(
                state: .panicked, armedAt: current.armedAt, confirmBy: nil, reason: why, by: actor, changedAt: clock.nowMillis())
            try store.savePanic(fired)
            return fired
        }
        activity?.record(.panicConfirmed, actor: actor, subject: "panic", detail: why)
        return record
    }

    /// Puts the switch back to calm.
    public func clear(reason: String, by actor: String?) throws(PortDaddyError) -> PanicRecord {
        let why = try Self.reason(reason)
        let record = PanicRecord(state: .calm, armedAt: nil, confirmBy: nil, reason: why, by: actor, changedAt: clock.nowMillis())
        try lock.withLock { _ throws(PortDaddyError) in try store.savePanic(record) }
        activity?.record(.panicCleared, actor: actor, subject: "panic", detail: why)
        return record
    }

    static func reason(_ raw: String) throws(PortDaddyError) -> String {
        let why = raw.trimmingWhitespace()
        guard !why.isEmpty, why.utf8.count <= 500 else { throw .invalidRequest("a panic needs a reason of 1 to 500 bytes") }
        return why
    }
}
