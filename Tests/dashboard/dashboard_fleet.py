"""Drives the dashboard's Fleet view in headless Chromium (standard library only).

  dashboard_fleet.py PD_BINARY DASHBOARD_URL

The Swift test starts a fleet (project shop, agent qa on git:committed, the stand-in agent answering to claude),
wakes qa, and lowers the wallet's budget under what qa spent, so the budget guard gives qa's run a pending kill.
This checks that any page sees the fleet, its agent's status, the wallet and the pending kill with a countdown, but
no buttons; that the guarded actions are refused without the user's key; and, in a tab unlocked by `pd dashboard`,
that Raise records today's raise, Grace extends the deadline (read back from GET /wallets/pending), Kill kills the run, Panic arms and a separate
Confirm fires the switch (GET /fleet says panicked), and Unpanic clears it. Every wait is for a condition with a
generous deadline. Prints one JSON report line.
"""
import json, os, re, sys, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, pd_dashboard_opened, pd_runner, wait_until  # noqa: E402

PD, URL = sys.argv[1], sys.argv[2]
pd = pd_runner(PD)
HOME = os.environ["PORT_DADDY_HOME"]


def get(path):
    with urllib.request.urlopen(URL.rstrip("/") + path, timeout=30) as r:
        return json.load(r)


def pending():
    return get("/wallets/pending")["pending"]


def main():
    report = {}
    first = wait_until(lambda: pending()[0] if pending() else None, 120)
    report["pending_before"] = bool(first)
    if not first:
        print(json.dumps(report))
        return
    run_id = first["run"]
    fleet = get("/fleet")
    agent = fleet["fleets"][0]["agents"][0] if fleet["fleets"] else {}
    report["api_fleet"] = [fleet["fleets"][0].get("mode"), agent.get("name"), agent.get("status")] if fleet["fleets"] else []
    report["api_spend_today"] = int(agent.get("spendToday", {}).get("micros", 0))
    with Browser() as b:
        view_text, view_html, show = b.view_text, b.view_html, b.show

        def post(path, body, with_key):
            key = "if (sessionStorage.getItem('pd-user-token')) h['X-PD-Token'] = sessionStorage.getItem('pd-user-token');" if with_key else ""
            return b.eval(f"""(() => {{ const h = {{'Content-Type': 'application/json',
                'X-PD-Page-Token': document.querySelector('meta[name=pd-token]').content}}; {key}
                return fetch('{path}', {{method: 'POST', headers: h, body: JSON.stringify({json.dumps(body)})}})
                  .then(r => r.json().then(j => [r.status, j.code || j.state || '']))}})()""")

        def click(selector):
            return b.eval(f"(() => {{ const x = document.querySelector({json.dumps(selector)}); if (x) x.click(); return !!x }})()")

        # Any page: the fleet, its agent with its status, the wallet's spend against its allowance, the pending kill
        # with a countdown; no buttons.
        b.ws.call("Page.navigate", url=URL + "#fleet")
        report["fleet_shown"] = bool(wait_until(lambda: "shop-dev" in view_text() and "daemon" in view_text()
                                          and re.search(r"\bqa\s+running\b", view_text()), 120))
        report["wallet_shown"] = bool(wait_until(lambda: "of $0.010000" in view_text() and "shop" in view_text(), 60))
        countdown = lambda: b.eval(f"(document.querySelector('[data-deadline=\"{run_id}\"]') || {{}}).textContent") or ""
        report["countdown"] = bool(wait_until(lambda: re.fullmatch(r"\d+s|\d+m", countdown()), 60))
        report["locked"] = "pd dashboard" in view_text() and "data-fleetact" not in view_html() and 'id="panic"' not in view_html()
        # Without the user's key the page's actions are refused, and nothing changes.
        report["panic_without_key"] = post("/dashboard/fleet/panic", {"reason": "no key"}, False)
        report["grace_without_key"] = post("/dashboard/fleet/grace", {"run": run_id}, False)
        report["calm_after_refusal"] = get("/fleet/panic")["state"]
        report["extensions_after_refusal"] = pending()[0]["extensions"] if pending() else None

        # Unlocked the way pd dashboard does it: the buttons appear.
        opened = pd_dashboard_opened(pd, HOME)
        b.ws.call("Page.navigate", url=opened)
        wait_until(lambda: b.eval("location.hash") == "#ports" and b.eval("!!sessionStorage.getItem('pd-user-token')"), 120)
        show("fleet")
        report["unlocked"] = bool(wait_until(lambda: f'data-fleetact="grace" data-run="{run_id}"' in view_html(), 120))
        # Raise by less than the overshoot: today's raise is recorded, and the run stays pending (still over).
        b.eval(f"document.querySelector('[data-key=\"raise-usd:{run_id}\"]').value = '0.002'")
        click(f'[data-fleetact="raise"][data-run="{run_id}"]')
        report["raised"] = bool(wait_until(lambda: get("/wallets/shop")["raisedToday"]["usd"] == "0.002000", 60))
        report["still_pending_after_raise"] = [p["run"] for p in pending()] == [run_id]
        report["raise_shown"] = bool(wait_until(lambda: "$0.002000" in view_text(), 60))
        # Grace: one more window, read back from the daemon.
        click(f'[data-fleetact="grace"][data-run="{run_id}"]')
        extended = wait_until(lambda: pending()[0] if pending() and pending()[0]["extensions"] == 1 else None, 60)
        report["grace_extended"] = bool(extended) and extended["deadline"] > first["deadline"]
        report["grace_shown"] = bool(wait_until(lambda: "1 of 2" in view_text(), 60))
        # Kill: the run dies now (reason budget) and leaves the pending list.
        click(f'[data-fleetact="kill"][data-run="{run_id}"]')
        report["killed"] = wait_until(lambda: [get(f"/runs/{run_id}")["state"], get(f"/runs/{run_id}").get("reason")]
                                      if get(f"/runs/{run_id}")["state"] == "killed" else None, 120)
        report["pending_after_kill"] = pending()
        report["view_cleared"] = bool(wait_until(lambda: "No run is over its budget" in view_text(), 60))
        # Panic: arming is not firing; the separate Confirm fires it.
        b.eval("document.querySelector('#panic input[name=reason]').value = 'runaway spend'")
        click("#panic button")
        report["armed"] = bool(wait_until(lambda: get("/fleet/panic")["state"] == "armed", 60))
        report["armed_not_panicked"] = get("/fleet")["panicked"]
        report["confirm_shown"] = bool(wait_until(lambda: "Panic armed" in view_text() and "panic-confirm" in view_html(), 60))
        click('[data-fleetact="confirm"]')
        report["panicked"] = bool(wait_until(lambda: get("/fleet")["panicked"], 60))
        report["panicked_shown"] = bool(wait_until(lambda: "PANICKED" in view_text(), 60))
        b.eval("document.querySelector('#unpanic input[name=reason]').value = 'under control'")
        click("#unpanic button")
        report["unpanicked"] = bool(wait_until(lambda: not get("/fleet")["panicked"] and get("/fleet/panic")["state"] == "calm", 60))
        report["calm_shown"] = bool(wait_until(lambda: "Calm" in view_text(), 60))
    print(json.dumps(report))


main()
