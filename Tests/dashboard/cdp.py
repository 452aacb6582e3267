"""A minimal Chrome DevTools Protocol client over a hand-written WebSocket (standard library only)."""
import base64, json, os, re, shutil, socket, struct, subprocess, tempfile, time, urllib.request


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
        """Sends a command and returns its result; events that arrive meanwhile are dropped."""
        self.next_id += 1
        my = self.next_id
        self.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            reply = json.loads(self.recv())
            if reply.get("id") == my:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                return reply.get("result", {})


class Browser:
    """Headless Chromium with one page, on a throw-away profile; `extra_args` go on its command line."""

    def __init__(self, extra_args=()):
        self.extra_args = list(extra_args)

    def __enter__(self):
        chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.profile = tempfile.mkdtemp(prefix="pd-chrome-")
        self.proc = subprocess.Popen([chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                                      f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "--window-size=1280,900", *self.extra_args, "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.time() + 60
        while time.time() < deadline and port is None:
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", self.proc.stderr.readline() or "")
            if m:
                port = int(m.group(1))
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WS(page["webSocketDebuggerUrl"])
        self.ws.call("Page.enable")
        self.ws.call("Emulation.setFocusEmulationEnabled", enabled=True)
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def eval(self, expression):
        result = self.ws.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def view_text(self):
        """The dashboard's current view as text."""
        return self.eval("document.getElementById('view').innerText") or ""

    def view_html(self):
        """The dashboard's current view as markup."""
        return self.eval("document.getElementById('view').innerHTML") or ""

    def show(self, view):
        """Opens a dashboard view by its fragment and waits until the page says it is shown."""
        self.eval(f"location.hash = '#{view}'")
        return wait_until(lambda: self.eval(f"document.title == 'Port Daddy · {view}'"))

    def key(self, key, code=None, vk=0, text=None):
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code or key, "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
            if text and kind == "keyDown":
                params["text"] = text
            self.ws.call("Input.dispatchKeyEvent", **params)

    def click(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            self.ws.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def scheme(self, value):
        self.ws.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": value}])

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.ws.call("Page.captureScreenshot", format="png")["data"]))
        return path


def wait_until(condition, timeout=30):
    """Polls `condition` until it returns something truthy or the (generous) deadline passes. A page that is
    navigating may fail an evaluation: that counts as not yet."""
    deadline = time.time() + timeout
    while True:
        try:
            value = condition()
        except (RuntimeError, KeyError, TypeError):
            value = None
        if value or time.time() >= deadline:
            return value
        time.sleep(0.1)


def pd_runner(binary):
    """`pd(*args, env=None)` for the scripts: runs the real `pd` binary, in this process's environment (the test
    daemon's home) unless `env` is given, and returns the finished process with its output as text."""
    def pd(*args, env=None):
        return subprocess.run([binary, *args], env=env or os.environ, capture_output=True, text=True)
    return pd


def pd_dashboard_opened(pd, home):
    """Runs `pd dashboard` (through `pd`, a function of the arguments and an `env=`) with a stand-in opener that
    records its arguments, and returns what it was asked to open: the private redirect file (`file://…`) that sends
    the browser on to the page with a one-time code in the fragment."""
    fake_bin = os.path.join(home, "fake-bin")
    os.makedirs(fake_bin, exist_ok=True)
    opened_log = os.path.join(home, "opened.txt")
    with open(os.path.join(fake_bin, "xdg-open"), "w") as f:
        f.write("#!/bin/sh\necho \"$@\" > " + opened_log + "\n")
    os.chmod(os.path.join(fake_bin, "xdg-open"), 0o755)
    pd("dashboard", env=dict(os.environ, PATH=fake_bin + ":" + os.environ.get("PATH", "")))
    return open(opened_log).read().strip() if os.path.exists(opened_log) else ""
