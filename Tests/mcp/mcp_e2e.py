"""End-to-end test of `pd mcp` with the official MCP Python SDK as the client.

Run by IntegrationTests/MCPIntegrationTests.swift with: python mcp_e2e.py <pd binary>; PORT_DADDY_HOME etc. in the
environment. Prints one JSON line with what it observed; the Swift test checks the effects with the CLI.
"""
import asyncio, json, os, subprocess, sys

import anyio

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

PD = sys.argv[1]
ENV = dict(os.environ)


def attr(obj, *names):
    """The first attribute that exists (the SDK renamed camelCase fields to snake_case at some version)."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(names[0])


def pd(*args):
    return subprocess.run([PD, *args], env=ENV, capture_output=True, text=True)


async def main():
    report = {}
    params = StdioServerParameters(command=PD, args=["mcp"], env=ENV)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            report["protocol"] = attr(init, "protocol_version", "protocolVersion")
            report["server"] = attr(init, "server_info", "serverInfo").name
            tools = (await session.list_tools()).tools
            report["tools"] = sorted(t.name for t in tools)
            report["every_tool_has_schema"] = all(attr(t, "input_schema", "inputSchema").get("type") == "object" for t in tools)
            report["tools_list_bytes"] = len(json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools], separators=(",", ":")))

            async def call(tool, **args):
                result = await session.call_tool(tool, args)
                return bool(attr(result, "is_error", "isError")), attr(result, "structured_content", "structuredContent") or {}, result.content[0].text if result.content else ""

            err, claim, _ = await call("claim", identity="mcp:web")
            report["claim_port"] = claim["port"]
            report["find_after_claim"] = json.loads(pd("find", "mcp:web", "--json").stdout)["services"][0]["port"]
            err, lock, _ = await call("lock", action="acquire", name="mcp:db", ttl=60)
            report["lock_token"] = lock["token"]
            report["cli_lock_while_held"] = pd("lock", "mcp:db", "--owner", "someone-else").returncode
            # A bad argument is a tool error, and the next call still works.
            err, body, text = await call("claim", identity="Not Valid!")
            report["bad_call"] = {"isError": err, "code": body["code"], "text": text}
            err, body, _ = await call("lock", action="explode")
            report["bad_action_code"] = body["code"]
            err, body, _ = await call("claim", identity="mcp:typo", prot=3000)
            report["unknown_argument_code"] = body["code"]
            err, services, _ = await call("services")
            report["after_errors_ok"] = (not err) and any(s["id"] == "mcp:web" for s in services["services"])
            # Every other tool, end to end.
            results = {}
            results["release"] = (await call("claim", identity="mcp:tmp"))[0] or (await call("release", target="mcp:tmp"))[0]
            results["publish"] = (await call("publish", channel="mcp:news", message="hello", signal="ready"))[0]
            err, hist, _ = await call("read_channel", channel="mcp:*", after=0)
            results["read_channel"] = err or hist["messages"][0]["message"] != "hello"
            results["lock_extend"] = (await call("lock", action="extend", name="mcp:db", ttl=120))[0]
            results["lock_list"] = (await call("lock", action="list"))[0]
            err, begun, _ = await call("session", action="begin", purpose="mcp e2e", files=["/tmp/mcp-e2e-file.txt"])
            results["session_begin"] = err
            report["session_id"] = begun.get("session", {}).get("id") if not err else None
            results["session_note"] = (await call("session", action="note", text="found it", type="finding"))[0]
            results["session_phase"] = (await call("session", action="phase", phase="testing"))[0]
            results["session_whoami"] = (await call("session", action="whoami"))[0]
            results["session_list"] = (await call("session", action="list"))[0]
            err, owner, _ = await call("files", action="who_owns", path="/tmp/mcp-e2e-file.txt")
            results["files_who_owns"] = err or len(owner["claims"]) != 1
            results["files_claim"] = (await call("files", action="claim", paths=["/tmp/mcp-e2e-other.txt"]))[0]
            results["files_list"] = (await call("files", action="list"))[0]
            results["agent_heartbeat"] = (await call("agent", action="heartbeat"))[0]
            err, agents, _ = await call("agent", action="list")
            results["agent_list"] = err
            report["agents"] = [a["id"] for a in agents["agents"]]
            results["inbox_send"] = (await call("inbox", action="send", to="someone", message="hi"))[0]
            results["inbox_read"] = (await call("inbox", action="read"))[0]
            results["integration_ready"] = (await call("integration", action="ready", identity="mcp:web", detail="up"))[0]
            results["integration_list"] = (await call("integration", action="list"))[0]
            err, waited, _ = await call("wait", identities=["mcp:web"], timeout=5)
            results["wait"] = err or not waited["ready"]
            results["salvage_list"] = (await call("salvage", action="list"))[0]
            results["activity"] = (await call("activity", limit=10))[0]
            results["lock_release"] = (await call("lock", action="release", name="mcp:db"))[0]
            # The tuple space and pheromones.
            err, written, _ = await call("tuple", action="out", tuple=["task", "mcp", 3])
            results["tuple_out"] = err
            err, read, _ = await call("tuple", action="rd", pattern=["task", "*", ">2"])
            results["tuple_rd"] = err or read["tuples"][0]["id"] != written.get("id")
            results["tuple_scan"] = (await call("tuple", action="scan"))[0]
            err, taken, _ = await call("tuple", action="in", pattern=["task", "mcp", "*"])
            results["tuple_in"] = err or len(taken["tuples"]) != 1
            err, body, _ = await call("tuple", action="rd", pattern=[{"x": 1}])
            results["tuple_bad_pattern"] = not err or body["code"] != "INVALID_PATTERN"
            results["tuple_rm_gone"] = not (await call("tuple", action="rm", id=written.get("id", 0)))[0]
            err, trail, _ = await call("pheromone", action="spray", kind="service", id="mcp:web", key="busy", strength=0.5)
            results["pheromone_spray"] = err or trail["value"] != 0.5
            err, sniffed, _ = await call("pheromone", action="sniff", kind="service", id="mcp:web")
            results["pheromone_sniff"] = err or sniffed["total"] <= 0
            results["pheromone_list"] = (await call("pheromone", action="list"))[0]
            results["pheromone_files"] = (await call("pheromone", action="files"))[0]
            # Say, look and memory.
            err, said, _ = await call("say", text="mcp says hi", pin=True, heat={"/tmp/mcp-e2e-file.txt": 0.6}, broadcast=["mcp:news"])
            results["say"] = err or not said.get("tuple") or len(said.get("messages", [])) != 1 or said["note"]["text"] != "mcp says hi"
            err, looked, _ = await call("look", action="look", since="30m", heat=True)
            results["look"] = err or not any(n["note"]["text"] == "mcp says hi" for n in looked["notes"])
            results["look_briefing"] = (await call("look", action="briefing"))[0]
            err, advice, _ = await call("look", action="advise", path="/tmp/mcp-e2e-file.txt", tuples=True)
            results["look_advise"] = err or advice["verdict"] not in ("clear", "caution") or len(advice["checks"]) != 10
            err, tiers, _ = await call("memory", action="tiers")
            results["memory_tiers"] = err or not tiers["constructs"]
            results["memory_tier"] = (await call("memory", action="tier", name="active-file-claims"))[0]
            err, episodes, _ = await call("memory", action="episodes", type="finding")
            results["memory_episodes"] = err or not any(e["text"] == "found it" for e in episodes["episodes"])
            results["memory_stats"] = (await call("memory", action="stats"))[0]
            results["memory_changelog_add"] = (await call("memory", action="changelog_add", identity="mcp:web", summary="via mcp", type="feat"))[0]
            err, wallets, _ = await call("wallet", action="list")
            results["wallet_list"] = err or wallets["wallets"] != []
            results["wallet_pending"] = (await call("wallet", action="pending"))[0]
            err, fleets, _ = await call("fleet")
            results["fleet_status"] = err or fleets["fleets"] != [] or fleets["panicked"]
            err, panic, _ = await call("wallet", action="panic")
            results["wallet_panic"] = err or panic["state"] != "calm"
            err, body, _ = await call("wallet", action="show", project="nowallet")
            results["wallet_show_missing"] = not err or body["code"] != "NOT_FOUND"
            err, changes, _ = await call("memory", action="changelog", identity="mcp")
            results["memory_changelog"] = err or changes["entries"][0]["summary"] != "via mcp"
            # A stack: up waits until ready, ps, logs, restart, down (the project is made here).
            stack_dir = os.path.join(ENV["PORT_DADDY_HOME"], "mcp-stack")
            os.makedirs(stack_dir, exist_ok=True)
            with open(os.path.join(stack_dir, "app.py"), "w") as f:
                f.write("import http.server, os\nprint('up', flush=True)\n"
                        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), http.server.SimpleHTTPRequestHandler).serve_forever()\n")
            with open(os.path.join(stack_dir, ".portdaddyrc"), "w") as f:
                json.dump({"project": "mcpstack", "services": {"web": {"cmd": "python3 app.py", "healthPath": "/"}}}, f)
            err, up, _ = await call("stack", action="up", dir=stack_dir)
            results["stack_up"] = err or up["state"] != "ready"
            report["stack_port"] = None if err else up["services"][0]["port"]
            results["stack_ps"] = (await call("stack", action="ps", dir=stack_dir))[0]
            err, logs, text = await call("stack", action="logs", dir=stack_dir, services=["web"])
            results["stack_logs"] = err or "web | up" not in text
            results["stack_restart"] = (await call("stack", action="restart", dir=stack_dir, services=["web"]))[0]
            results["stack_down"] = (await call("stack", action="down", dir=stack_dir))[0]
            # Agent runs: a custom agent launched through MCP reports its usage and ends; a waiting one is killed;
            # a sortie; a launch without a budget is refused.
            agent = os.path.join(ENV["PORT_DADDY_HOME"], "mcp-agent.sh")
            with open(agent, "w") as f:
                f.write('#!/bin/sh\n"$1" usage report --input 7 --output 3 --cost 0.25 || exit 70\n'
                        '[ "$2" = wait ] && exec sleep 600\necho "mcp agent done"\n')
            os.chmod(agent, 0o755)
            launch = dict(backend="custom", budget_usd="1", workdir=ENV["PORT_DADDY_HOME"], program=agent, telemetry="report")
            err, spawned, _ = await call("runs", action="spawn", task="mcp run", name="MCP Run", args=[PD], **launch)
            results["runs_spawn"] = err
            run_id = (spawned.get("run") or {}).get("id")
            info = {}
            for _ in range(600):
                err, info, _ = await call("runs", action="status", run=run_id)
                if err or info.get("state") not in ("starting", "running"):
                    break
                await anyio.sleep(0.1)
            report["run"] = {"id": run_id, "state": info.get("state"), "cost": (info.get("cost") or {}).get("micros"),
                             "name": info.get("name"), "result": info.get("result")}
            err, _, text = await call("runs", action="list")
            results["runs_list"] = err or run_id not in text
            err, waiting, _ = await call("runs", action="spawn", task="mcp wait", name="MCP Waiter", args=[PD, "wait"], **launch)
            results["runs_spawn_waiter"] = err
            err, killed, _ = await call("runs", action="kill", run=(waiting.get("run") or {}).get("id"))
            results["runs_kill"] = err
            report["killed"] = [killed.get("state"), killed.get("reason")]
            err, sortie, _ = await call("runs", action="sortie", task="mcp sortie", args=[PD], **launch)
            results["runs_sortie"] = err
            report["sortie_id"] = sortie.get("id")
            err, body, _ = await call("runs", action="spawn", backend="custom", task="x", workdir="/tmp", program=agent)
            report["no_budget_code"] = body.get("code")
            # Cancellation: a lock wait the client abandons leaves the daemon's queue. If the waiter were still
            # queued, it would get the lock when the holder lets go, and hold it for its 300 s TTL.
            subprocess.run([PD, "lock", "mcp:cancel", "--owner", "holder-agent", "--ttl", "60s"], env=ENV, capture_output=True)
            def waiters():
                held = json.loads(pd("locks", "--json").stdout or "{}").get("locks", [])
                return sum(l.get("waiters", 0) for l in held if l["name"] == "mcp:cancel")
            async with anyio.create_task_group() as tg:
                async def acquire():
                    await call("lock", action="acquire", name="mcp:cancel", wait=30)
                tg.start_soon(acquire)
                # Cancel once the request is queued in the daemon (not before the server has even seen it).
                for _ in range(300):
                    if waiters() == 1:
                        break
                    await anyio.sleep(0.1)
                report["mcp_waiter_queued"] = waiters() == 1
                tg.cancel_scope.cancel()
            subprocess.run([PD, "unlock", "mcp:cancel", "--owner", "holder-agent"], env=ENV, capture_output=True)
            free = False
            for _ in range(100):
                held = json.loads(pd("locks", "--json").stdout or "{}").get("locks", [])
                if not any(l["name"] == "mcp:cancel" for l in held):
                    free = True
                    break
                await anyio.sleep(0.1)
            report["cancelled_wait_left_queue"] = free
            results["after_cancel"] = (await call("lock", action="list"))[0]
            report["tool_errors"] = {k: v for k, v in results.items() if v}
            resources = await session.list_resources()
            report["resources"] = sorted(str(r.uri) for r in resources.resources)
            read = await session.read_resource("portdaddy://services")
            report["resource_services_has_claim"] = "mcp:web" in read.contents[0].text
            # Leave without `done`: the session must go to salvage.
    print(json.dumps(report))


asyncio.run(main())
