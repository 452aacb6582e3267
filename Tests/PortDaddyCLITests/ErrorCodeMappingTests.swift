import PortDaddyAPI
import Testing

@testable import PortDaddyCLI

/// Every error code the daemon can send has one HTTP status and one documented exit code (the mappings are exhaustive
/// switches, so a new code does not compile without both).
@Suite("error codes")
struct ErrorCodeMappingTests {
    @Test("every code has an error status and a documented exit code; unknown codes exit 1")
    func everyCodeIsMapped() {
        let documented: Set<Int32> = [
            PDExit.failure, PDExit.usage, PDExit.unreachable, PDExit.portUnavailable, PDExit.notFound, PDExit.notOwner, PDExit.stackFailed,
        ]
        for code in ErrorCode.allCases {
            #expect((400...599).contains(code.httpStatus), "\(code)")
            #expect(documented.contains(PDExit.code(forDaemonCode: code.rawValue)), "\(code)")
        }
        #expect(PDExit.code(forDaemonCode: "SOMETHING_NEWER") == PDExit.failure)
        #expect(PDExit.code(forDaemonCode: "FOREIGN_USER") == PDExit.unreachable)
    }
}
