import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// No connection can hold the daemon: a listener refuses connections over its cap with a clear answer (and the Unix
/// socket keeps its own room), a request head that trickles in is cut off, an idle keep-alive connection is closed.
@Suite("connection limits and timeouts")
struct ConnectionLimitTests {
    /// Runs a Python snippet against the daemon's TCP port and returns what it printed.
    static func python(_ script: String, port: Int, daemon: TestDaemon) throws -> String {
        let result = try CommandResult.run("/usr/bin/env", ["python3", "-c", "PORT = \(port)\n" + script], environment: daemon.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.output
    }

    @Test("over the cap a connection gets 503 TOO_MANY_CONNECTIONS while the Unix socket still answers, and room comes back")
    func cap() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_MAX_CONNECTIONS": "4"])
        let info = try daemon.start()
        let go = daemon.home + "/release-connections"
        let holder = try RunningCommand(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import os, socket, time
                PORT, GO = \(info.tcpPort), "\(go)"
                held = [socket.create_connection(("127.0.0.1", PORT)) for _ in range(4)]
                time.sleep(0.3)
                # Over the cap the daemon answers at once and closes (it does not wait for a request).
                extra = socket.create_connection(("127.0.0.1", PORT))
                answer = b""
                while True:
                    chunk = extra.recv(4096)
                    if not chunk: break
                    answer += chunk
                print(answer.split(b"\\r\\n")[0].decode(), "TOO_MANY_CONNECTIONS" in answer.decode(), flush=True)
                while not os.path.exists(GO): time.sleep(0.05)
                for s in held: s.close()
                time.sleep(0.3)
                again = socket.create_connection(("127.0.0.1", PORT))
                again.sendall(b"GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                print(again.recv(4096).split(b"\\r\\n")[0].decode(), flush=True)
                """,
            ], environment: daemon.environment)
        #expect(eventually { holder.outputSoFar.contains("HTTP/1.1") })
        #expect(holder.outputSoFar.contains("HTTP/1.1 503 Service Unavailable True"), "\(holder.outputSoFar)")
        // TCP is full now; the owner's Unix socket has its own room.
        #expect(try daemon.pd(["status"]).status == 0)
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        let lines = holder.wait().output.split(separator: "\n").map(String.init)
        #expect(lines.last == "HTTP/1.1 200 OK", "\(lines)")
    }

    @Test("a request head that trickles in, or a connection that never sends, gets 408 and is closed; an idle keep-alive connection is closed")
    func timeouts() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_HEAD_TIMEOUT": "0.5", "PORT_DADDY_IDLE_TIMEOUT": "2"])
        let info = try daemon.start()
        let output = try Self.python(
            """
            import socket, time
            slow = socket.create_connection(("127.0.0.1", PORT))
            slow.settimeout(20)
            slow.sendall(b"GET /health HTTP/1.1\\r\\nHo")
            answer = b""
            while True:
                chunk = slow.recv(4096)
                if not chunk: break
                answer += chunk
            print(answer.split(b"\\r\\n")[0].decode(), "REQUEST_TIMEOUT" in answer.decode())
            silent = socket.create_connection(("127.0.0.1", PORT))
            silent.settimeout(20)
            said = b""
            while True:
                chunk = silent.recv(4096)
                if not chunk: break
                said += chunk
            print("silent", said.split(b"\\r\\n")[0].decode())
            idle = socket.create_connection(("127.0.0.1", PORT))
            idle.settimeout(20)
            idle.sendall(b"GET /health HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
            first = idle.recv(4096)
            rest = b""
            while True:
                chunk = idle.recv(4096)
                if not chunk: break
                rest += chunk
            print(first.split(b"\\r\\n")[0].decode(), "closed")
            """, port: info.tcpPort, daemon: daemon)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "HTTP/1.1 408 Request Timeout True", "\(output)")
        #expect(lines.contains("silent HTTP/1.1 408 Request Timeout"), "a connection that never sends is let go: \(output)")
        #expect(lines.last == "HTTP/1.1 200 OK closed", "\(output)")
    }
}
