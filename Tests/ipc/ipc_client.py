"""A test client of Port Daddy's binary IPC socket (docs/IPC.md), written against the PyPI `msgpack` package,
not against our Swift codec. Usage: ipc_client.py <pd.ipc path> <case>. Each case exercises one failure mode
(or the protocol's happy path), raises AssertionError on any deviation, and prints "ok" when it passes.
The socket timeout is a hang guard (a failing test), never a measured assertion."""
import json
import os
import random
import socket
import struct
import sys
import time
import urllib.request

import msgpack

PATH = sys.argv[1]
HOME = os.path.dirname(PATH)


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(PATH)
    return s


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def send(s, obj):
    s.sendall(frame(msgpack.packb(obj, use_bin_type=True)))


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def recv(s):
    (n,) = struct.unpack(">I", recv_exact(s, 4))
    return msgpack.unpackb(recv_exact(s, n), raw=False)


def request(cid, op, args=None):
    return {"v": 1, "performative": "request", "conversation-id": cid, "content": {"op": op, "args": args or {}}}


def call(s, op, args=None, cid="c1"):
    send(s, request(cid, op, args))
    return recv(s)


def expect(answer, performative, code=None, cid=None):
    assert answer["performative"] == performative, answer
    assert answer["v"] == 1, answer
    if code is not None:
        assert answer["content"]["code"] == code, answer
    if cid is not None:
        assert answer["conversation-id"] == cid, answer
    return answer["content"]


def closed(s):
    """True once the daemon has closed the connection (reads return EOF)."""
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True


def healthy():
    s = connect()
    content = expect(call(s, "health", cid="h"), "inform", cid="h")
    assert content["status"] == "ok", content
    s.close()


def http(method, path, body=None):
    """The same daemon over its HTTP Unix socket (to check IPC and HTTP see the same state)."""
    import http.client

    class UnixConnection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(os.path.join(HOME, "pd.sock"))

    conn = UnixConnection("localhost")
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


# ---- the protocol ----------------------------------------------------------------------------------------------

def case_claim_roundtrip():
    s = connect()
    first = expect(call(s, "claim", {"id": "pyapp:api"}), "inform", cid="c1")
    assert first["id"] == "pyapp:api" and first["existing"] is False and 1 <= first["port"] <= 65535, first
    again = expect(call(s, "claim", {"id": "pyapp:api"}, cid="c2"), "inform", cid="c2")
    assert again["port"] == first["port"] and again["existing"] is True, again
    status, services = http("GET", "/services")
    assert status == 200 and any(x["id"] == "pyapp:api" and x["port"] == first["port"] for x in services["services"]), services
    found = expect(call(s, "find", {"pattern": "pyapp:*"}, cid="c3"), "inform")
    assert [x["port"] for x in found["services"]] == [first["port"]], found
    released = expect(call(s, "release", {"id": "pyapp:*"}, cid="c4"), "inform")
    assert released["count"] == 1, released
    assert expect(call(s, "get-port", {"project": "@org/Legacy", "pid": os.getpid()}, cid="c5"), "inform")["message"] == "assigned port"
    status, services = http("GET", "/services")
    assert not any(x["id"] == "pyapp:api" for x in services["services"]), services


def case_every_operation():
    s = connect()
    expect(call(s, "health"), "inform")
    lock = expect(call(s, "lock.acquire", {"name": "db:migrate", "owner": "py", "ttl": "30s"}), "inform")
    assert lock["owner"] == "py" and lock["token"] >= 1, lock
    extended = expect(call(s, "lock.extend", {"name": "db:migrate", "owner": "py", "ttl": 60}), "inform")
    assert extended["expiresAt"] > lock["expiresAt"] - 1, extended
    expect(call(s, "lock.acquire", {"name": "db:migrate", "owner": "other"}), "refuse", code="LOCK_HELD")
    expect(call(s, "lock.release", {"name": "db:migrate", "owner": "other"}), "refuse", code="NOT_LOCK_OWNER")
    assert expect(call(s, "lock.release", {"name": "db:migrate", "owner": "py"}), "inform")["released"] is True
    published = expect(call(s, "publish", {"channel": "builds", "message": "green", "sender": "py"}), "inform")
    assert published["channel"] == "builds" and published["id"] >= 1, published
    status, agent = http("POST", "/agents", {"id": "py-agent", "purpose": "ipc test"})
    assert status == 201, agent
    beat = expect(call(s, "heartbeat", {"agent": "py-agent"}), "inform")
    assert beat["id"] == "py-agent", beat
    note = expect(call(s, "note", {"agent": "py-agent", "text": "found it", "type": "finding"}), "inform")
    assert note["type"] == "finding", note
    expect(call(s, "claim", {"id": "BAD ID!"}), "refuse", code="INVALID_IDENTITY")


def case_lock_wait_granted():
    holder, waiter = connect(), connect()
    expect(call(holder, "lock.acquire", {"name": "deploy", "owner": "a"}), "inform")
    send(waiter, request("w1", "lock.acquire", {"name": "deploy", "owner": "b", "wait": "60s"}))
    assert expect(recv(waiter), "agree", cid="w1")["queued"] is True
    wait_for_waiters("deploy", 1)
    expect(call(holder, "lock.release", {"name": "deploy", "owner": "a"}), "inform")
    granted = expect(recv(waiter), "inform", cid="w1")
    assert granted["owner"] == "b", granted


def case_subscribe_push_and_cancel():
    sub, pub = connect(), connect()
    send(sub, {"v": 1, "performative": "subscribe", "conversation-id": "s1", "content": {"args": {"pattern": "news:*"}}})
    cursor = expect(recv(sub), "agree", cid="s1")["cursor"]
    for i in range(5):
        expect(call(pub, "publish", {"channel": "news:%d" % i, "message": "m%d" % i}, cid="p%d" % i), "inform")
    got = [expect(recv(sub), "inform", cid="s1")["message"] for _ in range(5)]
    assert got == ["m0", "m1", "m2", "m3", "m4"], got
    send(sub, {"v": 1, "performative": "cancel", "conversation-id": "s1"})
    assert expect(recv(sub), "inform", cid="s1")["cancelled"] is True
    # Resume after the cursor: the five are replayed.
    send(sub, {"v": 1, "performative": "subscribe", "conversation-id": "s2", "content": {"args": {"pattern": "news:*", "after": cursor}}})
    expect(recv(sub), "agree", cid="s2")
    replayed = [expect(recv(sub), "inform", cid="s2")["message"] for _ in range(5)]
    assert replayed == got, replayed
    expect(call(sub, "health", cid="after-cancel"), "inform", cid="after-cancel")


# ---- failure modes ---------------------------------------------------------------------------------------------

def case_partial_frame():
    s = connect()
    s.sendall(struct.pack(">I", 100) + b"\x81")  # a frame announcing 100 bytes, then silence
    healthy()  # other connections are served meanwhile
    answer = recv(s)
    expect(answer, "not-understood", code="REQUEST_TIMEOUT")
    assert closed(s)


def case_byte_by_byte():
    s = connect()
    data = frame(msgpack.packb(request("slow", "health")))
    for b in data:
        s.sendall(bytes([b]))
    expect(recv(s), "inform", cid="slow")


def case_oversized_frame():
    s = connect()
    s.sendall(struct.pack(">I", (1 << 20) + 1))
    expect(recv(s), "not-understood", code="BODY_TOO_LARGE")
    assert closed(s)
    healthy()


def case_zero_length_frame():
    s = connect()
    s.sendall(struct.pack(">I", 0))
    expect(recv(s), "not-understood", code="INVALID_REQUEST")
    expect(call(s, "health", cid="next"), "inform", cid="next")


def case_bad_msgpack():
    s = connect()
    for payload in [b"\xc1", b"\x92\x01", b"\x81\xa1v", b"\xd9\x05ab", b"\x80\x80", b"\xc7\x01\x05x", b"\xa2\xff\xfe", b"\x81\x01\x02"]:
        s.sendall(frame(payload))
        content = expect(recv(s), "not-understood", code="INVALID_REQUEST")
        assert content["error"].startswith("malformed MessagePack"), content
    expect(call(s, "health", cid="still"), "inform", cid="still")


def case_deep_nesting():
    s = connect()
    deep = b"\x91" * 40 + b"\x01"
    s.sendall(frame(b"\x81\xa1v" + deep))
    content = expect(recv(s), "not-understood", code="INVALID_REQUEST")
    assert "deeper" in content["error"], content
    expect(call(s, "health", cid="ok"), "inform")


def case_huge_container_header():
    s = connect()
    s.sendall(frame(b"\xdd\xff\xff\xff\xff\x01"))  # an array announcing 4 billion elements in 6 bytes
    content = expect(recv(s), "not-understood", code="INVALID_REQUEST")
    assert "cannot fit" in content["error"], content
    expect(call(s, "health", cid="ok"), "inform")


def case_not_an_envelope():
    s = connect()
    for obj in [[1, 2, 3], {"performative": "request", "conversation-id": "x"}, {"v": "1"},
                {"v": 1, "performative": "request"}, {"v": 1, "performative": "request", "conversation-id": "x", "content": 5}]:
        send(s, obj)
        expect(recv(s), "not-understood", code="INVALID_REQUEST")
    expect(call(s, "health", cid="ok"), "inform")


def case_version_mismatch():
    s = connect()
    send(s, {"v": 2, "performative": "request", "conversation-id": "v2", "content": {"op": "health"}})
    content = expect(recv(s), "not-understood", code="INVALID_REQUEST", cid="v2")
    assert "version 2" in content["error"] and "v1" in content["error"], content
    expect(call(s, "health", cid="ok"), "inform")


def case_unknown_performative():
    s = connect()
    for name in ["propose", "inform", "query-if"]:
        send(s, {"v": 1, "performative": name, "conversation-id": "u", "content": {}})
        expect(recv(s), "not-understood", code="INVALID_REQUEST", cid="u")
    expect(call(s, "health", cid="ok"), "inform")


def case_unknown_op():
    s = connect()
    content = expect(call(s, "exec", {"cmd": "rm -rf /"}), "refuse", code="NOT_FOUND")
    assert "claim" in content["error"], content
    expect(call(s, "health", cid="ok"), "inform")


def case_wrong_types():
    s = connect()
    content = expect(call(s, "claim", {"id": "typed", "port": "3000"}), "refuse", code="INVALID_REQUEST")
    assert "port" in content["error"], content
    content = expect(call(s, "claim", {"port": 3000}), "refuse", code="INVALID_REQUEST")
    assert "id" in content["error"], content
    expect(call(s, "claim", {"id": "typed", "port": 3000.5}), "refuse", code="INVALID_REQUEST")
    expect(call(s, "claim", {"id": "typed", "pid": 2 ** 64 - 1}), "refuse", code="INVALID_REQUEST")
    expect(call(s, "lock.acquire", {"name": "x", "wait": "soon"}), "refuse", code="INVALID_REQUEST")
    expect(call(s, "claim", "not a map"), "refuse", code="INVALID_REQUEST")
    send(s, {"v": 1, "performative": "request", "conversation-id": "noop", "content": {"op": 7}})
    expect(recv(s), "refuse", code="INVALID_REQUEST", cid="noop")
    expect(call(s, "health", cid="ok"), "inform")


def case_same_codes_as_http():
    s = connect()
    taken = expect(call(s, "claim", {"id": "first"}), "inform")["port"]
    ipc = expect(call(s, "claim", {"id": "second", "port": taken}), "refuse")
    status, body = http("POST", "/claim", {"id": "second", "port": taken})
    assert status == 409 and body["code"] == ipc["code"] == "PORT_UNAVAILABLE", (ipc, body)
    ipc = expect(call(s, "claim", {"id": "x", "port": 70000}), "refuse")
    status, body = http("POST", "/claim", {"id": "x", "port": 70000})
    assert body["code"] == ipc["code"] == "INVALID_PORT" and body["error"] == ipc["error"], (ipc, body)


def case_duplicate_conversation():
    holder, s = connect(), connect()
    expect(call(holder, "lock.acquire", {"name": "dup", "owner": "a"}), "inform")
    send(s, request("same", "lock.acquire", {"name": "dup", "owner": "b", "wait": "60s"}))
    expect(recv(s), "agree", cid="same")
    send(s, request("same", "health"))
    content = expect(recv(s), "refuse", code="INVALID_REQUEST", cid="same")
    assert "still open" in content["error"], content
    expect(call(holder, "lock.release", {"name": "dup", "owner": "a"}), "inform")
    assert expect(recv(s), "inform", cid="same")["owner"] == "b"
    expect(call(s, "health", cid="same"), "inform", cid="same")  # ended, so the id is free again


def case_interleaved_conversations():
    holder, s = connect(), connect()
    expect(call(holder, "lock.acquire", {"name": "mix", "owner": "a"}), "inform")
    send(s, request("wait", "lock.acquire", {"name": "mix", "owner": "b", "wait": "60s"}))
    send(s, request("claim", "claim", {"id": "mixed"}))
    send(s, request("health", "health"))
    answers = [recv(s) for _ in range(3)]
    assert [a["conversation-id"] for a in answers] == ["wait", "claim", "health"], answers
    assert [a["performative"] for a in answers] == ["agree", "inform", "inform"], answers
    expect(call(holder, "lock.release", {"name": "mix", "owner": "a"}), "inform")
    expect(recv(s), "inform", cid="wait")


def queued_waiter(name):
    """A holder's connection holding `name`, and another whose conversation "w" is queued for it."""
    holder, s = connect(), connect()
    expect(call(holder, "lock.acquire", {"name": name, "owner": "a"}), "inform")
    send(s, request("w", "lock.acquire", {"name": name, "owner": "b", "wait": "60s"}))
    expect(recv(s), "agree", cid="w")
    wait_for_waiters(name, 1)
    return holder, s


def case_lock_wait_cancelled():
    holder, s = queued_waiter("cx")
    send(s, {"v": 1, "performative": "cancel", "conversation-id": "w"})
    assert expect(recv(s), "inform", cid="w")["cancelled"] is True
    status, locks = http("GET", "/locks")
    assert locks["locks"][0]["waiters"] == 0, locks
    expect(call(holder, "lock.release", {"name": "cx", "owner": "a"}), "inform")
    status, locks = http("GET", "/locks")
    assert locks["locks"] == [], locks  # not handed to the cancelled waiter
    send(s, {"v": 1, "performative": "cancel", "conversation-id": "nothing-open"})
    expect(recv(s), "refuse", code="NOT_FOUND")


def wait_for_waiters(name, n):
    """Polls GET /locks until `name` has n queued callers (the queueing happens just after the agree is sent)."""
    deadline = time.time() + 30
    while True:
        status, locks = http("GET", "/locks")
        held = [l for l in locks["locks"] if l["name"] == name]
        if (held and held[0]["waiters"] == n) or time.time() > deadline:
            break
        time.sleep(0.02)
    assert held and held[0]["waiters"] == n, locks


def case_client_gone_mid_wait():
    holder, s = queued_waiter("gone")
    s.close()
    wait_for_waiters("gone", 0)
    expect(call(holder, "lock.release", {"name": "gone", "owner": "a"}), "inform")
    status, locks = http("GET", "/locks")
    assert locks["locks"] == [], locks


def case_slow_subscriber():
    sub = connect()
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    send(sub, {"v": 1, "performative": "subscribe", "conversation-id": "slow", "content": {"args": {"pattern": "flood"}}})
    # The subscriber never reads while 4 MiB are published (the hub's per-subscriber cap is 1 MiB).
    pub = connect()
    text = "x" * 4000
    for i in range(1000):
        send(pub, request("p%d" % i, "publish", {"channel": "flood", "message": text}))
        expect(recv(pub), "inform")
    healthy()
    # Now read: the stream ends with failure too-slow (if the daemon's buffer still held it) or the connection was
    # cut; either way it does not deliver all 1000, and the daemon dropped the subscriber.
    delivered, ended = 0, None
    try:
        while True:
            answer = recv(sub)
            if answer["performative"] == "inform":
                delivered += 1
            elif answer["performative"] == "failure":
                ended = answer["content"]
                break
    except (EOFError, ConnectionResetError):
        pass
    assert delivered < 1000, delivered
    if ended is not None:
        assert ended["reason"] == "too-slow" and ended["code"] == "RESOURCE_EXHAUSTED" and "cursor" in ended, ended
    healthy()


def case_too_many_connections():
    limit = int(os.environ["PORT_DADDY_MAX_CONNECTIONS"])
    held = [connect() for _ in range(limit)]
    for s in held:
        expect(call(s, "health"), "inform")
    extra = connect()
    expect(recv(extra), "refuse", code="TOO_MANY_CONNECTIONS")
    assert closed(extra)
    held.pop().close()
    deadline = time.time() + 30
    while True:  # the slot frees once the daemon saw the close
        s = connect()
        try:
            answer = call(s, "health")
        except (BrokenPipeError, ConnectionResetError, EOFError):
            answer = {"performative": "closed"}
        if answer["performative"] == "inform" or time.time() > deadline:
            break
        time.sleep(0.02)
    expect(answer, "inform")


def case_pipelined_burst():
    s = connect()
    n = 2000
    s.sendall(b"".join(frame(msgpack.packb(request("b%d" % i, "claim", {"id": "burst%d" % (i % 50)}))) for i in range(n)))
    ids = [expect(recv(s), "inform")["id"] for _ in range(n)]
    assert ids == ["burst%d" % (i % 50) for i in range(n)], ids[:5]


def case_fuzz():
    rng = random.Random(1313)
    valid = frame(msgpack.packb(request("f", "claim", {"id": "fuzz", "port": 4000, "sticky": True})))
    for round_ in range(300):
        s = connect()
        kind = round_ % 3
        if kind == 0:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
        elif kind == 1:
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))
            data = frame(payload)
        else:
            mutated = bytearray(valid)
            for _ in range(rng.randint(1, 6)):
                mutated[rng.randrange(4, len(mutated))] = rng.getrandbits(8)
            data = bytes(mutated)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        closed(s)  # the daemon answers what it can and closes when we do
        s.close()
    healthy()


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    CASES[sys.argv[2]]()
    print("ok")
