import PortDaddyAPI

extension CLIError {
    /// A value that broke its wire type's rule: its message, with the exit code of its error code.
    init(_ invalid: InvalidValue) {
        self.init(invalid.message, exitCode: PDExit.code(for: invalid.code))
    }
}

/// A `--port` (or positional port) the user typed, validated before any connection.
func portOption(_ raw: Int?) throws -> PortNumber? {
    guard let raw else { return nil }
    do { return try PortNumber(validating: raw) } catch { throw CLIError(error) }
}

/// A `--pid` the user typed, validated before any connection.
func pidOption(_ raw: Int?) throws -> PID? {
    guard let raw else { return nil }
    do { return try PID(validating: raw) } catch { throw CLIError(error) }
}

/// An identity the user typed, validated before any connection.
func identityArgument(_ raw: String) throws -> Identity {
    do { return try Identity(parsing: raw) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
}
