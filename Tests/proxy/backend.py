"""A tiny backend for the proxy tests (standard library only).

  backend.py serve PORT           serves /headers (JSON of the request headers), /stream (three chunks, 200 ms
                                  apart) and a WebSocket echo (any path with Upgrade: websocket)
  backend.py ws PROXYPORT HOST    connects through the proxy with Host: HOST, sends a text frame, prints the echo
  backend.py wss PROXYPORT HOST CAFILE   the same over TLS (HTTP/1.1 by ALPN), verifying the proxy's certificate
                                  for HOST against CAFILE
  backend.py tls PROXYPORT SNI CAFILE    a TLS handshake with SNI, verified against CAFILE; prints JSON: the
                                  negotiated ALPN protocol and the certificate's subjectAltName, or the error
"""
import base64, hashlib, json, os, socket, socketserver, ssl, struct, sys, time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return (lines[0], headers), rest


def recv_exact(sock, n, buf=b""):
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def read_frame(sock):
    b1, b2 = recv_exact(sock, 2)
    length = b2 & 0x7F
    if length == 126:
        length = struct.unpack(">H", recv_exact(sock, 2))[0]
    mask = recv_exact(sock, 4) if b2 & 0x80 else None
    payload = recv_exact(sock, length)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return b1 & 0x0F, payload


def frame(payload, masked):
    header = bytes([0x81])
    length = len(payload)
    header += bytes([(0x80 if masked else 0) | length]) if length < 126 else bytes([(0x80 if masked else 0) | 126]) + struct.pack(">H", length)
    if not masked:
        return header + payload
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        parsed, _ = read_head(sock)
        if parsed is None:
            return
        (request_line, headers) = parsed
        path = request_line.split(" ")[1]
        if headers.get("upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
            sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
            while True:
                try:
                    opcode, payload = read_frame(sock)
                except EOFError:
                    return
                if opcode == 8:
                    return
                sock.sendall(frame(b"echo: " + payload, masked=False))
        elif path == "/stream":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(3):
                part = f"part {i} at {time.time():.3f}\n".encode()
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                time.sleep(0.2)
            sock.sendall(b"0\r\n\r\n")
        else:
            body = json.dumps(headers).encode()
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))


if sys.argv[1] == "serve":
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[2])), Handler) as server:
        server.serve_forever()
elif sys.argv[1] == "tls":
    port, sni, cafile = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(cafile=cafile)
    context.set_alpn_protocols(["h2", "http/1.1"])
    try:
        with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname=sni) as tls:
            cert = tls.getpeercert()
            print(json.dumps({"alpn": tls.selected_alpn_protocol(), "version": tls.version(),
                              "san": [v for k, v in cert.get("subjectAltName", ()) if k == "DNS"],
                              "notAfter": cert.get("notAfter"), "notBefore": cert.get("notBefore")}))
    except (ssl.SSLError, OSError) as error:
        print(json.dumps({"error": str(error)}))
else:
    port, host = int(sys.argv[2]), sys.argv[3]
    sock = socket.create_connection(("127.0.0.1", port))
    if sys.argv[1] == "wss":
        context = ssl.create_default_context(cafile=sys.argv[4])
        context.set_alpn_protocols(["http/1.1"])
        sock = context.wrap_socket(sock, server_hostname=host)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    parsed, rest = read_head(sock)
    status = parsed[0]
    sock.sendall(frame(b"hello", masked=True))
    _, payload = read_frame(sock) if not rest else (None, rest)
    print(status)
    print(payload.decode())
