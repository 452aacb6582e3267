/// The dashboard page, embedded in the binary (no CDN, no bundle resources, works offline): the markup here,
/// the CSS in `DashboardPage+Style.swift`, the views and live wiring in `DashboardPage+Script.swift`, the
/// graph in `DashboardPage+Graph.swift`, the agent runs in `DashboardPage+Runs.swift`, fleets,
/// wallets, pending kills and the panic switch in `DashboardPage+Fleet.swift`, file heat and harbors in
/// `DashboardPage+Heat.swift`, memory tiers and episodes in `DashboardPage+Memory.swift`.
enum DashboardPage {
    static func html(token: String, nonce: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="pd-token" content="\(token)"><title>Port Daddy</title>
        <style>
        \(style)
        </style></head><body>
        <header><h1>⚓ Port Daddy</h1><nav aria-label="Views">
        <a href="#ports">Ports</a><a href="#stacks">Stacks</a><a href="#runs">Runs</a><a href="#fleet">Fleet</a><a href="#agents">Agents</a>
        <a href="#sessions">Sessions</a>
        <a href="#locks">Locks</a><a href="#radio">Radio</a><a href="#salvage">Salvage</a><a href="#heat">Heat</a>
        <a href="#memory">Memory</a><a href="#graph">Graph</a></nav>
        <span id="live" class="muted" role="status">connecting…</span></header>
        <p id="notice" role="status" aria-live="polite"></p>
        <main id="view" tabindex="-1"></main>
        <script nonce="\(nonce)">
        \(graphScript)
        \(runsScript)
        \(fleetScript)
        \(heatScript)
        \(memoryScript)
        \(script)
        </script></body></html>
        """
    }
}
