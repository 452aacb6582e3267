"""Agent A's listener: binds 127.0.0.1:PORT, says "listening on PORT", accepts one connection, prints what the
peer sent and answers "welcome, <peer's line> (from A's id)"."""
import socket
import sys

port, me = int(sys.argv[1]), sys.argv[2]
with socket.create_server(("127.0.0.1", port)) as server:
    print(f"listening on {port}", flush=True)
    connection, _ = server.accept()
    with connection, connection.makefile("rw") as stream:
        line = stream.readline().strip()
        print(f"connection from B: {line!r}", flush=True)
        stream.write(f"welcome ({me})\n")
        stream.flush()
