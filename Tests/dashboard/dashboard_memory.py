"""Drives the dashboard's Heat and Memory views in headless Chromium (standard library only).

  dashboard_memory.py PD_BINARY DASHBOARD_URL

With the real `pd` (the environment names the test daemon's home): a file claimed by one agent and refused to
another must appear, without a reload, in the Heat view with its heat and its holder; a closed harbor with one tuple
must show its rules and tuple count; a finding note's episode must appear in the Memory view with the live tier
counts — its text hidden from a plain tab and shown once the tab is unlocked the way `pd dashboard` does it. Every
wait is for a condition with a generous deadline. Prints one JSON report line.
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, pd_dashboard_opened, pd_runner, wait_until  # noqa: E402

PD, URL = sys.argv[1], sys.argv[2]
pd = pd_runner(PD)
HOME = os.environ["PORT_DADDY_HOME"]
FINDING = "the cache warms up twice under load"


def main():
    report = {}
    holder = dict(os.environ, PD_AGENT_ID="heat-holder")
    wanter = dict(os.environ, PD_AGENT_ID="heat-wanter")
    hot = os.path.join(HOME, "src", "hot.swift")
    os.makedirs(os.path.dirname(hot), exist_ok=True)
    open(hot, "w").close()
    with Browser() as b:
        view_text = lambda: b.eval("document.getElementById('view').innerText") or ""
        construct = lambda name: b.eval(f"(document.querySelector('[data-construct=\"{name}\"]') || {{}}).textContent")

        def show(view):
            b.eval(f"location.hash = '#{view}'")
            return wait_until(lambda: b.eval(f"document.title == 'Port Daddy · {view}'"))

        # The Heat view, open before anything is warm.
        b.ws.call("Page.navigate", url=URL + "#heat")
        report["empty_heat"] = bool(wait_until(lambda: "No file is warm" in view_text(), 60))

        # One agent holds the file, another is refused it: the file turns hot by itself, with its holder listed.
        pd("begin", "hold the cache", env=holder)
        pd("begin", "want the cache", env=wanter)
        report["held"] = pd("claim-files", hot, env=holder).returncode
        report["refused"] = pd("claim-files", hot, env=wanter).returncode
        row = lambda: b.eval(f"(() => {{ const f = document.querySelector('[data-file=\"{hot}\"]'); return f ? f.closest('tr').innerText : '' }})()") or ""
        report["hot_file_shown"] = bool(wait_until(lambda: "contention" in row() and "heat-holder" in row(), 60))
        report["heat"] = b.eval("Number((document.querySelector('#view [role=meter]') || {getAttribute: () => 0}).getAttribute('aria-valuenow'))")
        report["contention_listed"] = "contention" in row() and "interest" in row() and "heat-wanter" not in row()

        # A closed harbor with a TTL and one tuple: its rules, member and tuple count.
        pd("harbor", "create", "dash-crew", "--closed", "--ttl", "1h", env=holder)
        pd("tuple", "out", '["task", 1]', "--harbor", "dash-crew", env=holder)
        report["harbor_tuples"] = bool(wait_until(
            lambda: b.eval("(document.querySelector('[data-harbor-tuples=\"dash-crew\"]') || {}).textContent") == "1", 60))
        report["harbor_closed"] = "closed: members write" in view_text()

        # A spray writes no activity record, so no event wakes the page: the open view re-reads every few seconds.
        sprayed = os.path.join(HOME, "src", "sprayed.swift")
        report["sprayed"] = pd("pheromone", "spray", "--kind", "file", "--id", sprayed, "--key", "review", "--strength", "0.6").returncode
        report["spray_shown"] = bool(wait_until(lambda: b.eval(f"!!document.querySelector('[data-file=\"{sprayed}\"]')"), 60))

        # The Memory view: a finding note becomes an episode, listed live with the tier counts; its text is note
        # text, hidden from a tab without the user's authority.
        show("memory")
        pd("note", FINDING, "--type", "finding", env=holder)
        report["episode_shown"] = bool(wait_until(lambda: construct("episodes") == "1" and "heat-holder" in view_text(), 60))
        report["counts"] = {name: construct(name) for name in ["live-agents", "active-sessions", "active-file-claims", "tuples", "episodes"]}
        report["text_hidden"] = FINDING not in view_text() and "pd dashboard" in view_text()

        # Unlocked the way pd dashboard does it (a one-time code traded for this tab's key): the text shows.
        opened = pd_dashboard_opened(pd, HOME)
        b.ws.call("Page.navigate", url=opened)
        wait_until(lambda: b.eval("location.hash") == "#ports" and b.eval("!!sessionStorage.getItem('pd-user-token')"), 120)
        show("memory")
        report["text_shown"] = bool(wait_until(lambda: FINDING in view_text(), 60))
    print(json.dumps(report))


main()
