"""Drives the dashboard in headless Chromium over the DevTools protocol (standard library only).

  dashboard_e2e.py PD_BINARY DASHBOARD_URL SCREENSHOT_DIR [PROXY_PORT]

With the real `pd` (the environment names the test daemon's home) it claims ports, publishes, registers agents,
begins a session with a file claim and takes a lock, and waits for each to appear without a reload — in the
tables and as nodes and links of the graph. It walks the page with the keyboard, measures text contrast in light
and dark, restarts the daemon on the same ports and waits for the page to recover, and loads the dashboard
through the reverse proxy at dashboard.localhost. Saves a screenshot of every view. Every wait is for a
condition with a generous deadline; nothing is timed. Prints one JSON report line.
"""
import json, os, signal, socket, subprocess, sys, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, pd_dashboard_opened, pd_runner, wait_until  # noqa: E402

PD, URL, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
pd = pd_runner(PD)
PROXY = int(sys.argv[4]) if len(sys.argv) > 4 else None
HOME = os.environ["PORT_DADDY_HOME"]
HERE = os.path.dirname(os.path.abspath(__file__))
VIEWS = ["ports", "stacks", "runs", "fleet", "agents", "sessions", "locks", "radio", "salvage", "heat", "memory", "graph"]
# Keeps every EventSource the page creates (installed before any of the page's scripts run).
COUNT_STREAMS = """(() => { const Original = window.EventSource; window.__pdStreams = [];
  window.EventSource = class extends Original { constructor(url, init) { super(url, init); window.__pdStreams.push(this); } }; })()"""
FOCUSED = """(() => { const e = document.activeElement; if (!e || e === document.body) return null; const s = getComputedStyle(e);
  const box = e.querySelector && e.querySelector(':scope > .box');
  return { tag: e.tagName, href: e.getAttribute('href'), id: (e.dataset && e.dataset.id) || null,
           outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, ring: box ? getComputedStyle(box).strokeWidth : null }; })()"""


# A tiny service for the stack the test starts: says where it serves (stdout), then answers 200.
APP = """import http.server, os
port = int(os.environ["PORT"])
print("serving on", port, flush=True)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        print("hit", self.path, flush=True)
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
"""


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def runtime():
    try:
        with open(os.path.join(HOME, "daemon.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    report = {}
    restarted = None
    os.makedirs(SHOTS, exist_ok=True)
    with Browser() as b:
        b.ws.call("Page.addScriptToEvaluateOnNewDocument", source=COUNT_STREAMS)
        view_text = lambda: b.eval("document.getElementById('view').innerText") or ""
        live = lambda: b.eval("document.getElementById('live').textContent")
        nodes = lambda: b.eval("[...document.querySelectorAll('#graph .node')].map(n => n.dataset.id)") or []
        edges = lambda: b.eval("[...document.querySelectorAll('#graph .edge')].map(e => e.dataset.from + ' > ' + e.dataset.to)") or []
        places = lambda: b.eval("Object.fromEntries([...document.querySelectorAll('#graph .node')].map(n => [n.dataset.id, n.getAttribute('transform')]))") or {}
        streams = lambda: b.eval("window.__pdStreams.map(s => new URL(s.url).pathname)")

        def show(view):
            b.eval(f"location.hash = '#{view}'")
            return wait_until(lambda: b.eval(f"document.title == 'Port Daddy · {view}'"))

        def click_release(identity):
            return b.eval(f"(() => {{ const x = document.querySelector('[data-release=\"{identity}\"]'); if (x) x.click(); return !!x }})()")

        # Load on the graph: nothing exists yet, and the view says so.
        b.ws.call("Page.navigate", url=URL + "#graph")
        report["loaded"] = bool(wait_until(lambda: "Graph" in view_text()))
        report["live"] = bool(wait_until(lambda: live() == "live"))
        report["graph_empty_state"] = "Nothing to draw yet" in view_text()

        # Tables update live.
        show("ports")
        pd("claim", "dash:web", "-q")
        report["claim_appeared"] = bool(wait_until(lambda: "dash:web" in view_text()))
        show("radio")
        pd("pub", "radio:test", "hello radio", "--signal", "ready", "--sender", "tester")
        report["message_appeared"] = bool(wait_until(lambda: "hello radio" in view_text()))
        show("agents")
        pd("agent", "register", "--agent", "dash-agent", "--purpose", "watching")
        report["agent_appeared"] = bool(wait_until(lambda: "dash-agent" in view_text()))

        # The graph: an agent with a session that claims a file and a port, a lock it holds, an unrelated claim.
        show("graph")
        agent = dict(os.environ, PD_AGENT_ID="graph-agent")
        pd("begin", "draw the graph", "--identity", "graph:web", "--files", "src/graph.swift", env=agent)
        pd("lock", "db-migrate", env=agent)
        pd("claim", "solo:api", "-q")
        wanted = ["agent:graph-agent", "file:" + os.path.abspath("src/graph.swift"), "lock:db-migrate", "service:graph:web", "service:solo:api"]
        wait_until(lambda: all(w in nodes() for w in wanted) and any(n.startswith("session:") for n in nodes()))
        report["graph_nodes"] = nodes()
        report["graph_edges"] = edges()
        # Positions stay put while nodes come and go.
        before = places()
        pd("claim", "later:web", "-q")
        pd("release", "solo:api")
        wait_until(lambda: "service:later:web" in nodes() and "service:solo:api" not in nodes())
        after = places()
        report["graph_changed"] = "service:later:web" in after and "service:solo:api" not in after
        report["graph_stable"] = all(after[k] == v for k, v in before.items() if k in after)

        # Keyboard: Tab walks the nav then the graph's nodes, each with a visible focus; arrows move between
        # nodes; focus survives a live refresh; Enter on a nav link opens its view.
        b.eval("window.scrollTo(0, 0)")
        b.click(4, 4)  # on the header's padding: where a person starts tabbing from
        walk = []
        for _ in range(40):
            b.key("Tab", vk=9)
            focused = b.eval(FOCUSED)
            walk.append(focused)
            if focused and focused.get("id"):
                break
        report["tab_nav"] = [f["href"] for f in walk if f and f["tag"] == "A"]
        report["tab_nav_focus_visible"] = all(f["outline"] for f in walk if f and f["tag"] == "A")
        report["tab_node"] = walk[-1] and walk[-1].get("id")
        report["tab_node_ring"] = walk[-1] and walk[-1].get("ring")
        b.key("ArrowRight", vk=39)
        moved = b.eval(FOCUSED)
        if moved and moved.get("id") == report["tab_node"]:
            b.key("ArrowDown", vk=40)
            moved = b.eval(FOCUSED)
        report["arrow_moved_to"] = moved and moved.get("id")
        kept = report["arrow_moved_to"]
        pd("claim", "focus:keep", "-q")
        wait_until(lambda: "service:focus:keep" in nodes())
        report["focus_kept"] = (b.eval(FOCUSED) or {}).get("id") == kept
        report["graph_detail"] = b.eval("document.getElementById('graph-detail').textContent")
        b.eval("document.querySelector('nav a[href=\"#locks\"]').focus()")
        b.key("Enter", vk=13, text="\r")
        report["enter_navigates"] = bool(wait_until(lambda: b.eval("location.hash") == "#locks"))

        # Stacks: a stack started from the CLI appears with its services, their state and last lines; the
        # page's Stop button stops one service (its row goes, the other keeps running).
        stack_dir = os.path.join(HOME, "dash-stack")
        os.makedirs(stack_dir, exist_ok=True)
        with open(os.path.join(stack_dir, "app.py"), "w") as f:
            f.write(APP)
        with open(os.path.join(stack_dir, ".portdaddyrc"), "w") as f:
            json.dump({"project": "dashstack", "services": {
                "db": {"cmd": "python3 app.py", "healthPath": "/"},
                "web": {"cmd": "python3 app.py", "needs": ["db"], "healthPath": "/"}}}, f)
        show("stacks")
        up = pd("up", "-d", "--json", "-C", stack_dir)
        report["stack_up"] = up.returncode == 0
        db_port = json.loads(up.stdout)["services"][0]["port"] if up.returncode == 0 else None
        stack_html = lambda: b.eval("document.getElementById('view').innerHTML") or ""
        # Without the user's token the page shows the stack but neither its output nor its controls.
        report["stack_appeared"] = bool(wait_until(lambda: "dashstack" in view_text() and view_text().count("ready") >= 3))
        report["stack_locked_without_token"] = ("pd dashboard" in view_text() and "serving on" not in view_text()
                                                and "data-stackact" not in stack_html())
        # As pd dashboard opens it: a one-time code in the fragment, traded for this tab's key, unlocks output
        # and controls; the code leaves the URL and cannot be used twice.
        # pd dashboard itself, with a stand-in opener that records its arguments: the code must not be on the
        # opener's command line; the private file it opens sends the browser on to the page with the code.
        opened = pd_dashboard_opened(pd, HOME)
        report["code_not_in_argv"] = opened.startswith("file://") and "code=" not in opened
        redirect = open(opened[len("file://"):]).read() if opened.startswith("file://") else ""
        code = redirect.split("#code=")[-1].split('"')[0] if "#code=" in redirect else ""
        b.ws.call("Page.navigate", url=opened)
        wait_until(lambda: b.eval("location.hash") == "#ports" and b.eval("location.protocol") == "http:")
        report["token_left_url"] = bool(code) and code not in (b.eval("location.href") or "")
        show("stacks")
        report["stack_output_shown"] = bool(wait_until(lambda: "serving on" in view_text() and "data-stackact" in stack_html()))
        # New output shows up live (the stream nudges the page; the lines come with the token-guarded state).
        if db_port:
            urllib.request.urlopen(f"http://127.0.0.1:{db_port}/live-line", timeout=5).read()
        report["stack_output_live"] = bool(wait_until(lambda: "hit /live-line" in view_text()))
        again = b.eval(f"""fetch('/dashboard/redeem', {{method: 'POST', headers: {{'Content-Type': 'application/json',
            'X-PD-Page-Token': document.querySelector('meta[name=pd-token]').content}}, body: JSON.stringify({{code: '{code}'}})}}).then(r => r.status)""")
        report["code_single_use"] = again == 404
        b.eval("document.querySelector('[data-stackact=\"stop\"][data-service=\"web\"]').click()")
        report["stack_service_stopped"] = bool(wait_until(lambda: 'data-service="web"' not in stack_html()
                                                          and 'data-service="db"' in stack_html()))

        # Contrast of all text in every view, light and dark; a screenshot of each view (light) and the graph (dark).
        contrast_js = open(os.path.join(HERE, "contrast.js")).read()
        report["contrast"] = {}
        shots = []
        for scheme in ("light", "dark"):
            b.scheme(scheme)
            summary = {"checked": 0, "min": 99, "failures": [], "dark": None, "body": None}
            for view in VIEWS:
                show(view)
                wait_until(lambda: "Loading…" not in view_text())  # Heat and Memory read their own snapshot
                r = b.eval(contrast_js)
                summary["checked"] += r["checked"]
                summary["min"] = min(summary["min"], r["min"]) if r["checked"] else summary["min"]
                summary["failures"] += [dict(f, view=view) for f in r["failures"]]
                summary["dark"], summary["body"] = r["dark"], r["body"]
                if scheme == "light" or view == "graph":
                    shots.append(b.screenshot(os.path.join(SHOTS, f"{view}.png" if scheme == "light" else f"{view}-dark.png")))
            report["contrast"][scheme] = summary
        b.scheme("light")
        report["screenshots"] = shots
        report["views_not_built"] = [v for v in VIEWS if show(v) and "Not built yet" in view_text()]
        report["streams"] = streams()

        # Restart the daemon on the same ports: the page reconnects by itself, catches up and its actions work.
        info = runtime()
        os.kill(info["pid"], signal.SIGTERM)
        report["went_down"] = bool(wait_until(lambda: runtime() is None and not port_open(info["tcpPort"]), 60))
        report["saw_reconnecting"] = bool(wait_until(lambda: live() != "live"))
        args = [PD, "daemon", "--log-level", "warning", "--port", str(info["tcpPort"])]
        if info.get("proxyPort"):
            args += ["--proxy-port", str(info["proxyPort"])]
        restarted = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            report["restarted"] = bool(wait_until(lambda: (runtime() or {}).get("pid") == restarted.pid and port_open(info["tcpPort"]), 60))
            report["live_again"] = bool(wait_until(lambda: live() == "live", 60))
            show("ports")
            pd("claim", "after:restart", "-q")
            report["after_restart_appeared"] = bool(wait_until(lambda: "after:restart" in view_text()))
            click_release("after:restart")
            report["action_after_restart"] = bool(wait_until(lambda: pd("find", "after:restart").returncode == 5))
            report["navigations"] = b.eval("performance.getEntriesByType('navigation').length")
            report["open_streams"] = b.eval("window.__pdStreams.filter(s => s.readyState !== 2).length")

            # The same page through the reverse proxy, at dashboard.localhost, with a working action.
            if PROXY:
                b.ws.call("Page.navigate", url=f"http://dashboard.localhost:{PROXY}/#ports")
                report["proxy_loaded"] = bool(wait_until(lambda: b.eval("location.host") == f"dashboard.localhost:{PROXY}" and "Ports" in view_text()))
                report["proxy_live"] = bool(wait_until(lambda: live() == "live"))
                pd("claim", "via:proxy", "-q")
                report["proxy_claim_appeared"] = bool(wait_until(lambda: "via:proxy" in view_text()))
                click_release("via:proxy")
                report["proxy_action"] = bool(wait_until(lambda: pd("find", "via:proxy").returncode == 5 and "via:proxy" not in view_text()))
                report["proxy_streams"] = streams()
        finally:
            restarted.send_signal(signal.SIGTERM)
            try:
                restarted.wait(30)
            except subprocess.TimeoutExpired:
                restarted.kill()
                restarted.wait()
    print(json.dumps(report))


main()
