import PortDaddyAPI
import PortDaddyCore

/// The panic switch as the user works it (`POST /fleet/panic`, `/fleet/unpanic` and the dashboard's Fleet view go
/// through here, so both decide alike): the switch itself (`PanicSwitch`) decides and remembers; firing it kills
/// every run (`killAllForPanic`) and reports what their bonds gave back.
extension RunService {
    /// Without `confirm`, arms the switch (`{armed, confirmBy}`); with it, within the window, fires it: every run is
    /// killed (reason `panic`) and the answer names them with the bonds refunded. `PANIC_NOT_ARMED` when there is
    /// nothing to confirm; confirming a switch that already fired kills nothing more.
    public func workPanic(reason: String, confirm: Bool, by actor: String) async throws(PortDaddyError) -> PanicResponse {
        guard let panic else { throw .notFound("the panic switch is not enabled") }
        guard confirm else {
            let armed = try panic.arm(reason: reason, by: actor)
            return PanicResponse(state: armed.state, confirmBy: armed.confirmBy, reason: armed.reason)
        }
        let wasPanicked = try panic.state().state == .panicked
        let fired = try panic.confirm(reason: reason, by: actor)
        guard !wasPanicked else { return PanicResponse(state: fired.state, reason: fired.reason, killed: []) }
        let killed = await killAllForPanic()
        var refunded: Int64 = 0
        for run in killed {
            if let bond = try wallets?.bondOf(run: run), bond.state == .refunded { refunded += bond.amount.micros }
        }
        return PanicResponse(state: fired.state, reason: fired.reason, killed: killed, refunded: MoneyAmount(micros: refunded))
    }

    /// Puts the switch back to calm: spawning works again.
    public func clearPanic(reason: String, by actor: String) throws(PortDaddyError) -> PanicResponse {
        guard let panic else { throw .notFound("the panic switch is not enabled") }
        let cleared = try panic.clear(reason: reason, by: actor)
        return PanicResponse(state: cleared.state, reason: cleared.reason)
    }
}
