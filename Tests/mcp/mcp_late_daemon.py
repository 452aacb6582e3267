"""`pd mcp` started before any daemon runs, with autostart off: its agent registration fails at initialize and is
retried before the first tool call, once a daemon is up. Prints the agents the daemon knows as one JSON line.

Run by IntegrationTests/MCPIntegrationTests.swift: python mcp_late_daemon.py <pd binary>, with PORT_DADDY_HOME etc.
and PORT_DADDY_NO_AUTOSTART=1 in the environment.
"""
import json, os, subprocess, sys

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

PD = sys.argv[1]
ENV = dict(os.environ)


async def main():
    params = StdioServerParameters(command=PD, args=["mcp"], env=ENV)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            daemon = subprocess.Popen([PD, "daemon"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(300):
                if subprocess.run([PD, "status"], env=ENV, capture_output=True).returncode == 0:
                    break
                await anyio.sleep(0.1)
            result = await session.call_tool("agent", {"action": "list"})
            agents = (result.structured_content or {}).get("agents", [])
            print(json.dumps([{k: a.get(k) for k in ("id", "pid", "purpose")} for a in agents]))
    subprocess.run([PD, "stop"], env=ENV, capture_output=True)
    daemon.wait(timeout=30)


anyio.run(main)
