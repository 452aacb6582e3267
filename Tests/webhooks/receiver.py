#!/usr/bin/env python3
"""A webhook receiver for the tests: verifies each delivery exactly as the README tells users to, and logs it.

Usage: receiver.py --secret-file F --log F --port-file F [--port N] [--answers 500,500,200] [--delay S] [--first-delay S]

Every POST becomes one JSON line in the log: delivery id, event, timestamp, whether the signature verified (which
includes the timestamp being within 5 minutes), the answer given, the path and the body; a GET (a followed redirect
would be one) is logged too, and how many requests (in all, and to that path) were in flight when it arrived. A 3xx
answer carries `Location: /redirected`. With --delay each answer waits that long; --first-delay, the first one. Answers are taken from --answers in order, then
200 for ever.
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# --- the README's recipe, verbatim ---------------------------------------------------------------------------------
def verify(secret: bytes, headers, body: bytes, tolerance: int = 300) -> bool:
    """True when the delivery is signed with `secret` and its timestamp is recent."""
    timestamp = headers.get("X-PD-Timestamp", "")
    signature = headers.get("X-PD-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
# --------------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--answers", default="")
    parser.add_argument("--delay", type=float, default=0, help="seconds to wait before answering")
    parser.add_argument("--first-delay", type=float, default=0, help="seconds to wait before answering the first request")
    args = parser.parse_args()
    secret = open(args.secret_file, "rb").read().strip()
    answers = [int(a) for a in args.answers.split(",") if a]
    lock = threading.Lock()
    inflight = {"all": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                inflight["all"] += 1
                inflight[self.path] = inflight.get(self.path, 0) + 1
                now_all, now_path = inflight["all"], inflight[self.path]
                first = not inflight.get("seen")
                inflight["seen"] = True
            time.sleep(args.first_delay if first and args.first_delay else args.delay)
            with lock:
                inflight["all"] -= 1
                inflight[self.path] -= 1
                status = answers.pop(0) if answers else 200
                timestamp = self.headers.get("X-PD-Timestamp", "")
                record = {
                    "delivery": self.headers.get("X-PD-Delivery"),
                    "event": self.headers.get("X-PD-Event"),
                    "timestamp": int(timestamp) if timestamp.isdigit() else None,
                    "received": time.time(),
                    "valid": verify(secret, self.headers, body),
                    "status": status,
                    "path": self.path,
                    "inflight": now_all,
                    "inflight_path": now_path,
                    "body": json.loads(body.decode()) if body else None,
                }
                with open(args.log, "a") as log:
                    log.write(json.dumps(record) + "\n")
            self.send_response(status)
            if 300 <= status < 400:
                # A redirect a sender must not follow (pd does not): a followed one would show as another path.
                self.send_header("Location", "/redirected")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            with lock:
                with open(args.log, "a") as log:
                    log.write(json.dumps({"delivery": None, "event": None, "method": "GET", "path": self.path}) + "\n")
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os

    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
