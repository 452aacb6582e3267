"""Drives the dashboard in headless Chromium over the DevTools protocol (standard library only).

  dashboard_e2e.py PD_BINARY DASHBOARD_URL SCREENSHOT_DIR

Loads the page, then claims a port, publishes a message and registers an agent with the real `pd`, and waits
for each to appear without a reload; saves a screenshot of every view. Prints one JSON report line.
"""
import base64, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

PD, URL, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]


class WS:
    def __init__(self, url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {m.group(3)} HTTP/1.1\r\nHost: {m.group(1)}:{m.group(2)}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(4096)
        self.buf = self.buf.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self):
        message = b""
        while True:
            b1, b2 = self._exact(2)
            n = b2 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            message += self._exact(n)
            if b1 & 0x80:
                return message.decode()

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            reply = json.loads(self.recv())
            if reply.get("id") == my:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                return reply.get("result", {})


def text(ws):
    return ws.call("Runtime.evaluate", expression="document.getElementById('view').innerText", returnByValue=True)["result"].get("value", "")


def wait_for(ws, needle, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if needle in text(ws):
            return True
        time.sleep(0.1)
    return False


def main():
    chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    profile = tempfile.mkdtemp(prefix="pd-chrome-")
    proc = subprocess.Popen([chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                             f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    report = {}
    try:
        port = None
        deadline = time.time() + 30
        while time.time() < deadline and port is None:
            line = proc.stderr.readline()
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line or "")
            if m:
                port = int(m.group(1))
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        ws = WS(page["webSocketDebuggerUrl"])
        ws.call("Page.enable")
        ws.call("Page.navigate", url=URL + "#ports")
        report["loaded"] = wait_for(ws, "Ports") or wait_for(ws, "Nothing here")
        live = ws.call("Runtime.evaluate", expression="document.getElementById('live').textContent", returnByValue=True)
        env = dict(os.environ)
        subprocess.run([PD, "claim", "dash:web", "-q"], env=env, capture_output=True)
        report["claim_appeared"] = wait_for(ws, "dash:web")
        ws.call("Runtime.evaluate", expression="location.hash='#radio'")
        subprocess.run([PD, "pub", "radio:test", "hello radio", "--signal", "ready", "--sender", "tester"], env=env, capture_output=True)
        report["message_appeared"] = wait_for(ws, "hello radio")
        ws.call("Runtime.evaluate", expression="location.hash='#agents'")
        subprocess.run([PD, "agent", "register", "--agent", "dash-agent", "--purpose", "watching"], env=env, capture_output=True)
        report["agent_appeared"] = wait_for(ws, "dash-agent")
        reloads = ws.call("Runtime.evaluate", expression="performance.getEntriesByType('navigation').length", returnByValue=True)
        report["navigations"] = reloads["result"].get("value")
        report["live_text"] = live["result"].get("value")
        os.makedirs(SHOTS, exist_ok=True)
        shots = []
        not_built = []
        for view in ["ports", "stacks", "agents", "sessions", "locks", "radio", "salvage", "graph"]:
            ws.call("Runtime.evaluate", expression=f"location.hash='#{view}'")
            time.sleep(0.3)
            data = ws.call("Page.captureScreenshot", format="png")["data"]
            path = os.path.join(SHOTS, f"{view}.png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(data))
            shots.append(path)
            if "Not built yet" in text(ws):
                not_built.append(view)
        report["screenshots"] = shots
        report["views_not_built"] = not_built
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(report))


main()
