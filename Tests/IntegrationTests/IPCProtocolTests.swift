import Foundation
import PortDaddyTesting
import Testing

/// The binary IPC socket driven by an independent client: `Tests/ipc/ipc_client.py`, written against the PyPI
/// `msgpack` package. Each test is one row of docs/IPC.md (the protocol, then the failure modes); each runs a fresh
/// daemon and checks, after the case, that the daemon is still running.
@Suite("IPC protocol (Python msgpack client)")
struct IPCProtocolTests {
    static let script = TestDependencies.root + "/Tests/ipc/ipc_client.py"

    func run(_ name: String, environment: [String: String] = [:]) throws {
        let daemon = try TestDaemon(environment: environment)
        try daemon.start()
        let result = try CommandResult.run(
            try TestDependencies.python(), [Self.script, daemon.home + "/pd.ipc", name], environment: daemon.environment.merging(environment) { $1 })
        #expect(result.status == 0 && result.output == "ok", "\(name): \(result.stdout)\(result.stderr)\n\(daemon.daemonLog)")
        let pid = try #require(daemon.daemonPID)
        #expect(kill(pid, 0) == 0, "the daemon died during \(name)")
    }

    // The protocol
    @Test("claim, find, release and get-port over IPC; HTTP sees the same registry") func claimRoundTrip() throws { try run("claim_roundtrip") }
    @Test("every operation: health, lock acquire/extend/release, publish, heartbeat, note") func everyOperation() throws {
        try run("every_operation")
    }
    @Test("a lock wait is agreed at once and informed when granted") func lockWaitGranted() throws { try run("lock_wait_granted") }
    @Test("subscribe pushes messages, cancel ends it, a cursor resumes it") func subscribePushAndCancel() throws {
        try run("subscribe_push_and_cancel")
    }

    // Failure modes (numbered as in docs/IPC.md)
    @Test("1 partial frame: closed after the head timeout with not-understood REQUEST_TIMEOUT; others served meanwhile")
    func partialFrame() throws { try run("partial_frame", environment: ["PORT_DADDY_HEAD_TIMEOUT": "1"]) }
    @Test("2 a frame trickled in byte by byte is answered") func byteByByte() throws { try run("byte_by_byte") }
    @Test("3 oversized frame: not-understood BODY_TOO_LARGE, then closed") func oversizedFrame() throws { try run("oversized_frame") }
    @Test("4 zero-length frame: not-understood, connection kept") func zeroLengthFrame() throws { try run("zero_length_frame") }
    @Test("5 bad MessagePack (8 kinds): not-understood each, connection kept") func badMessagePack() throws { try run("bad_msgpack") }
    @Test("6 deep nesting: not-understood, connection kept") func deepNesting() throws { try run("deep_nesting") }
    @Test("7 a container announcing 4 billion elements: refused before allocating") func hugeContainerHeader() throws {
        try run("huge_container_header")
    }
    @Test("8 MessagePack that is not an envelope: not-understood") func notAnEnvelope() throws { try run("not_an_envelope") }
    @Test("9 version mismatch: not-understood naming the version spoken") func versionMismatch() throws { try run("version_mismatch") }
    @Test("10 unknown or daemon-only performative: not-understood") func unknownPerformative() throws { try run("unknown_performative") }
    @Test("11 unknown op: refuse NOT_FOUND listing the ops") func unknownOp() throws { try run("unknown_op") }
    @Test("12 wrong argument types: refuse INVALID_REQUEST naming the field") func wrongTypes() throws { try run("wrong_types") }
    @Test("13 domain errors carry the same code and text as HTTP") func sameCodesAsHTTP() throws { try run("same_codes_as_http") }
    @Test("14 duplicate conversation id while open: refused, the open one unharmed") func duplicateConversation() throws {
        try run("duplicate_conversation")
    }
    @Test("15 interleaved conversations on one connection") func interleavedConversations() throws { try run("interleaved_conversations") }
    @Test("16 lock wait cancelled: inform cancelled, the waiter leaves the queue") func lockWaitCancelled() throws { try run("lock_wait_cancelled") }
    @Test("17 client gone mid-request (a queued lock wait): the waiter leaves the queue") func clientGoneMidWait() throws {
        try run("client_gone_mid_wait")
    }
    @Test("18 slow subscriber: dropped (failure too-slow or cut off), daemon healthy") func slowSubscriber() throws { try run("slow_subscriber") }
    @Test("19 too many connections: refuse TOO_MANY_CONNECTIONS and close; the slot frees")
    func tooManyConnections() throws { try run("too_many_connections", environment: ["PORT_DADDY_MAX_CONNECTIONS": "4"]) }
    @Test("20 a pipelined burst of 2,000 requests is answered in order") func pipelinedBurst() throws { try run("pipelined_burst") }
    @Test("21 random bytes and mutated frames on 300 connections: no crash, no hang, health after") func fuzz() throws { try run("fuzz") }
}
