extension Routes {
    // MARK: arbiter (the status is open-read; changing the mode and synthetic violations are trusted)
    public static let arbiterStatus = APIRoute<NoBody, ArbiterStatus>(
        .get, "/arbiter/status", "the arbiter's mode and, per invariant, checks, violations and the last one")
    public static let arbiterMode = APIRoute<ArbiterModeRequest, ArbiterStatus>(
        .post, "/arbiter/mode", "set the arbiter's mode, observe or strict; kept across restarts (trusted)")
    public static let arbiterTestInvariant = APIRoute<NoBody, ArbiterViolationInfo>(
        .post, "/arbiter/test-invariant/:name", "record a synthetic violation of an invariant, changing no state (trusted)")

    static var arbiterRoutes: [AnyAPIRoute] { [arbiterStatus.erased, arbiterMode.erased, arbiterTestInvariant.erased] }
}
