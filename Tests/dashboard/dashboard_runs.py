"""Drives the dashboard's Runs view in headless Chromium (standard library only).

  dashboard_runs.py PD_BINARY DASHBOARD_URL

Launches a custom agent with the real `pd spawn` (it reports usage, prints a line, then waits), and checks that the
Runs view shows it with its display name, state, tokens and cost to any page, but its output and a Kill button only
to a tab unlocked by `pd dashboard`; that the kill action is refused without that key and kills the run's tree with
it. Every wait is for a condition with a generous deadline. Prints one JSON report line.
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, pd_dashboard_opened, pd_runner, wait_until  # noqa: E402

PD, URL = sys.argv[1], sys.argv[2]
pd = pd_runner(PD)
HOME = os.environ["PORT_DADDY_HOME"]
AGENT = '#!/bin/sh\n"$1" usage report --input 42 --output 7 --cost 0.125 || exit 70\necho "secret agent output"\nexec sleep 600\n'


def run_state(run_id):
    runs = json.loads(pd("spawned", "--json").stdout or "{}").get("runs", [])
    return next(([r["state"], r.get("reason")] for r in runs if r["id"] == run_id), None)


def main():
    report = {}
    script = os.path.join(HOME, "dash-agent.sh")
    with open(script, "w") as f:
        f.write(AGENT)
    os.chmod(script, 0o755)
    launched = pd("spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--name", "Dash Runner",
                  "--task", "wait in the dashboard", "--detach", "--", script, PD)
    run_id = launched.stdout.strip()
    report["launched"] = launched.returncode == 0 and run_id.startswith("run-")
    report["output_logged"] = bool(wait_until(lambda: "secret agent output" in pd("spawn", "logs", run_id).stdout))
    with Browser() as b:
        view_text, view_html, show = b.view_text, b.view_html, b.show

        # Any page: the run with its name, state, tokens and cost; no output, no Kill button.
        b.ws.call("Page.navigate", url=URL + "#runs")
        report["shown"] = bool(wait_until(lambda: "Dash Runner" in view_text() and "42 in / 7 out" in view_text()
                                          and "$0.125000" in view_text() and "running" in view_text(), 120))
        report["locked"] = ("pd dashboard" in view_text() and "secret agent output" not in view_text()
                            and "data-killrun" not in view_html())
        # The kill action without the user's key is refused, and the run goes on.
        report["kill_without_key"] = b.eval(f"""fetch('/dashboard/runs/kill', {{method: 'POST', headers: {{'Content-Type': 'application/json',
            'X-PD-Page-Token': document.querySelector('meta[name=pd-token]').content}}, body: JSON.stringify({{run: '{run_id}'}})}})
            .then(r => r.json().then(j => [r.status, j.code]))""")
        report["alive_after_refusal"] = run_state(run_id)
        # The Agents view names the run's agent by its display name.
        show("agents")
        report["agent_named"] = bool(wait_until(lambda: "Dash Runner" in view_text()))

        # Unlocked the way pd dashboard does it (a one-time code traded for this tab's key): output and Kill.
        opened = pd_dashboard_opened(pd, HOME)
        b.ws.call("Page.navigate", url=opened)
        wait_until(lambda: b.eval("location.hash") == "#ports" and b.eval("location.protocol") == "http:"
                   and b.eval("!!sessionStorage.getItem('pd-user-token')"), 120)
        show("runs")
        report["unlocked"] = bool(wait_until(lambda: "secret agent output" in view_text() and "data-killrun" in view_html(), 120))
        if not report["unlocked"]:
            report["debug"] = [b.eval("location.href"), str(b.eval("!!sessionStorage.getItem('pd-user-token')")), view_text()[:400]]
        b.eval(f"(() => {{ const x = document.querySelector('[data-killrun=\"{run_id}\"]'); if (x) x.click(); return !!x }})()")
        report["killed"] = wait_until(lambda: run_state(run_id) if run_state(run_id)[0] == "killed" else None, 120)
        report["view_killed"] = bool(wait_until(lambda: "killed" in view_text() and "data-killrun" not in view_html(), 120))
    print(json.dumps(report))


main()
