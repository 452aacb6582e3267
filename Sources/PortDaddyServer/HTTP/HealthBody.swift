import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI

/// `GET /health`'s answer from bytes built once: only the uptime and the number of active ports change between
/// calls, so no encoder runs per request (/health is the benchmark's anchor). The body decodes as
/// ``V1HealthResponse``.
struct HealthBody: Sendable {
    private static let head = Array(#"{"status":"ok","uptime_seconds":"#.utf8)
    private static let ports = Array(#","active_ports":"#.utf8)
    /// `,"pid":…,"version":…,"commit":…,"binary":…}`.
    private let tail: [UInt8]

    init(pid: Int, version: String, commit: String, binary: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        func quoted(_ text: String) -> String { (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\"" }
        tail = Array(#","pid":\#(pid),"version":\#(quoted(version)),"commit":\#(quoted(commit)),"binary":\#(quoted(binary))}"#.utf8)
    }

    func response(uptimeSeconds: Int, activePorts: Int) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.head.count + Self.ports.count + tail.count + 40)
        buffer.writeBytes(Self.head)
        buffer.writeString(String(uptimeSeconds))
        buffer.writeBytes(Self.ports)
        buffer.writeString(String(activePorts))
        buffer.writeBytes(tail)
        return Response(status: .ok, headers: JSONResponse.headers, body: .init(byteBuffer: buffer))
    }
}
