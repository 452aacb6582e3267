import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Malformed HTTP gets a JSON 4xx naming the problem, never a 500, an empty body or silence.
@Suite("malformed HTTP")
struct MalformedRequestTests {
    @Test("bad chunk sizes, unknown transfer codings, parse errors, two Host headers and CONNECT get JSON 4xx answers")
    func malformed() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let script = """
            import json, socket
            PORT = \(info.tcpPort)
            def send(raw):
                s = socket.create_connection(("127.0.0.1", PORT)); s.settimeout(10); s.sendall(raw)
                out = b""
                try:
                    while True:
                        c = s.recv(4096)
                        if not c: break
                        out += c
                except (socket.timeout, ConnectionResetError):
                    pass
                head, _, body = out.partition(b"\\r\\n\\r\\n")
                status = head.split(b"\\r\\n")[0].decode()
                try: code = json.loads(body)["code"]
                except Exception: code = "no JSON: " + repr(body[:80])
                print(status.split(" ")[1] if " " in status else status, code)
            send(b"POST /claim HTTP/1.1\\r\\nHost: localhost\\r\\nTransfer-Encoding: chunked\\r\\nConnection: close\\r\\n\\r\\nzz\\r\\n")
            send(b"POST /claim HTTP/1.1\\r\\nHost: localhost\\r\\nTransfer-Encoding: gzip\\r\\nConnection: close\\r\\n\\r\\n")
            send(b"GARBAGE\\r\\n\\r\\n")
            send(b"GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nHost: evil.example\\r\\n\\r\\n")
            send(b"CONNECT localhost:80 HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
            # HTTP/1.0 without keep-alive: the answer, then the connection closes (send reads until EOF or 10 s).
            import time
            t0 = time.monotonic()
            send(b"GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n")
            print("closed" if time.monotonic() - t0 < 5 else "left open")
            """
        let result = try CommandResult.run("/usr/bin/env", ["python3", "-c", script], environment: daemon.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(5)) == [
                "400 INVALID_REQUEST", "400 INVALID_REQUEST", "400 INVALID_REQUEST", "400 INVALID_REQUEST", "405 METHOD_NOT_ALLOWED",
            ], "\(result.output)")
        #expect(lines.count == 7 && lines[5].hasPrefix("200 ") && lines[6] == "closed", "\(result.output)")
        // The daemon logged no internal error and keeps serving.
        #expect(!daemon.daemonLog.contains("unhandled error"))
        #expect(try daemon.pd(["status"]).status == 0)
    }

    @Test("a stream cursor that is not a non-negative integer is a 400 on every stream", arguments: ["/activity/subscribe", "/channels/x/subscribe"])
    func badCursor(path: String) throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let result = try CommandResult.run(
            "/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "-H", "Last-Event-ID: -1", "http://127.0.0.1:\(info.tcpPort)\(path)"], environment: [:])
        #expect(result.stdout.hasSuffix("\n400") && result.stdout.contains("INVALID_REQUEST"), "\(result.stdout)")
    }
}
