"""A throw-away database for one CI run: an in-memory SQLite served over TCP on 127.0.0.1:PORT.

Each line a client sends is one SQL statement; the answer is one line: the rows as JSON, or {"error": ...}.
"""
import json
import socketserver
import sqlite3
import sys

database = sqlite3.connect(":memory:", check_same_thread=False)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                rows = database.execute(line.decode().strip()).fetchall()
                database.commit()
                answer = json.dumps(rows)
            except sqlite3.Error as error:
                answer = json.dumps({"error": str(error)})
            self.wfile.write((answer + "\n").encode())


socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", int(sys.argv[1])), Handler) as server:
    server.serve_forever()
