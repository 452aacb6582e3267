#!/usr/bin/env python3
"""Writes the results table of docs/BENCHMARKS.md (between the bench:results markers) from one run of
scripts/bench.sh: `pd bench --json` output and hyperfine's JSON export. Prints the table too."""
import datetime
import json
import sys

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

# Each of our rows beside the in-run anchor it is judged against: (row key, anchor key, how the ratio reads).
ANCHORS = {
    "socket.claim": ("socket.health", "× socket /health"),
    "tcp.claim": ("tcp.health", "× TCP /health"),
    "socket.release": ("socket.health", "× socket /health"),
    "tcp.release": ("tcp.health", "× TCP /health"),
    "socket.claim.fresh": ("portserver", "× portserver"),
    "lock": ("redis.lock", "× Redis SET NX PX + DEL"),
    "pubsub.1": ("redis.pubsub.1", "× Redis PUBLISH→message"),
    "pubsub.32": ("redis.pubsub.32", "× Redis PUBLISH→message"),
    "process.claim": ("process.hello", "× static hello-world"),
    "ipc.lock": ("redis.lock", "× Redis SET NX PX + DEL"),
    "ipc.pubsub.1": ("redis.pubsub.1", "× Redis PUBLISH→message"),
    "ipc.pubsub.32": ("redis.pubsub.32", "× Redis PUBLISH→message"),
}


def us(v):
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:,.0f} µs"


def table(bench, hyperfine):
    rows = {r["key"]: r for r in bench["rows"]}
    lines = [
        f"One run of `scripts/bench.sh` on {datetime.date.today().isoformat()}, pd {bench['version']}, "
        f"{bench['iterations']} requests per series.",
        "The machine is shared and noisy: compare the ratios within the run, not single figures across runs.",
        "",
        "| series | p50 | p90 | p99 | against the in-run anchor (p50) |",
        "|---|---|---|---|---|",
    ]
    for r in bench["rows"]:
        lat = r.get("latency")
        if not lat:
            continue
        ratio = ""
        anchor = ANCHORS.get(r["key"])
        if r["key"].startswith("find.") and r["key"] != "find.10":
            anchor = ("find.10", "× find at 10 live claims")
        if anchor and anchor[0] in rows and rows[anchor[0]].get("latency"):
            base = rows[anchor[0]]["latency"]["p50"]
            if base > 0:
                ratio = f"{lat['p50'] / base:.2f} {anchor[1]}"
        if r["key"] == "ipc.claimrelease" and rows.get("portserver", {}).get("latency") and lat["p50"] > 0:
            ratio = f"portserver's request is {rows['portserver']['latency']['p50'] / lat['p50']:.2f}× this"
        if r["key"] == "portserver" and "socket.claim" in rows:
            ratio = f"our kept-alive claim is {lat['p50'] / rows['socket.claim']['latency']['p50']:.2f}× faster"
        lines.append(f"| {r['label']} | {us(lat['p50'])} | {us(lat['p90'])} | {us(lat['p99'])} | {ratio} |")
    for r in bench["rows"]:
        if r.get("note"):
            lines.append(f"| {r['label']} | {r['note']} | | | |")
    lines += ["", "| throughput (claim + release) | requests/s | errors |", "|---|---|---|"]
    for r in bench["rows"]:
        t = r.get("throughput")
        if t:
            lines.append(f"| {r['label']} | {t['requestsPerSecond']:,.0f} | {t['errors']} |")
    if hyperfine:
        lines += ["", "| whole process (`hyperfine -N`, 300 runs) | mean ± σ | median |", "|---|---|---|"]
        for res in hyperfine["results"]:
            lines.append(
                f"| `{res['command'].split('/')[-1]}` | {res['mean'] * 1000:.2f} ± {res['stddev'] * 1000:.2f} ms "
                f"| {res['median'] * 1000:.2f} ms |")
    def mem(m):
        mb = lambda kb: f"{kb / 1024:.1f} MB" if kb is not None else "?"
        return f"{mb(m['totalKB'])} (anonymous {mb(m.get('anonymousKB'))}, file-backed {mb(m.get('fileKB'))})"
    idle, after = bench.get("rssIdle"), bench.get("rssAfter")
    if idle:
        lines += ["", f"Daemon RSS after 5 s of quiet: {mem(idle)} before the run"
                  + (f"; {mem(after)} after it." if after else ".")]
    return "\n".join(lines)


def main():
    bench = json.load(open(sys.argv[1]))
    hyperfine = json.load(open(sys.argv[2])) if len(sys.argv) > 2 and sys.argv[2] else None
    text = table(bench, hyperfine)
    print(text)
    if len(sys.argv) > 3:
        doc = open(sys.argv[3]).read()
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            doc = head + BEGIN + "\n" + text + "\n" + END + tail
        else:
            doc += "\n## Latest run\n\n" + BEGIN + "\n" + text + "\n" + END + "\n"
        open(sys.argv[3], "w").write(doc)


if __name__ == "__main__":
    main()
