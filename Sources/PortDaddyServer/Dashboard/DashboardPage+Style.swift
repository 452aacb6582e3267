extension DashboardPage {
    /// The page's CSS. Light and dark follow the OS (`prefers-color-scheme`); every text colour below has a
    /// contrast of at least 4.5:1 on its background in both schemes (the browser test measures it).
    static let style = #"""
        :root {
          color-scheme: light dark;
          --bg: #fff;
          --fg: #1b1f24;
          --muted: #57606a;
          --line: #d0d7de;
          --accent: #0969da;
          --on-accent: #fff;
          --ok: #1a7f37;
          --warn: #9a6700;
          --bad: #cf222e;
          --focus: #0969da;
          --k-agent: #0969da;
          --k-session: #8250df;
          --k-file: #57606a;
          --k-lock: #9a6700;
          --k-service: #1a7f37
        }

        @media (prefers-color-scheme:dark) {
          :root {
            --bg: #0d1117;
            --fg: #e6edf3;
            --muted: #9da7b3;
            --line: #30363d;
            --accent: #58a6ff;
            --on-accent: #0d1117;
            --ok: #3fb950;
            --warn: #d29922;
            --bad: #f85149;
            --focus: #58a6ff;
            --k-agent: #58a6ff;
            --k-session: #bc8cff;
            --k-file: #9da7b3;
            --k-lock: #d29922;
            --k-service: #3fb950
          }
        }

        body {
          margin: 0;
          font: 15px/1.5 system-ui, -apple-system, sans-serif;
          background: var(--bg);
          color: var(--fg)
        }

        a {
          color: var(--accent)
        }

        header {
          display: flex;
          gap: 1rem;
          align-items: center;
          padding: .6rem 1rem;
          border-bottom: 1px solid var(--line);
          flex-wrap: wrap
        }

        header h1 {
          font-size: 1.1rem;
          margin: 0
        }

        nav {
          display: flex;
          gap: .25rem;
          flex-wrap: wrap
        }

        nav a {
          color: var(--fg);
          text-decoration: none;
          padding: .3rem .6rem;
          border-radius: 6px
        }

        nav a[aria-current=page] {
          background: var(--accent);
          color: var(--on-accent)
        }

        a:focus-visible,
        button:focus-visible,
        input:focus-visible {
          outline: 2px solid var(--focus);
          outline-offset: 2px
        }

        main:focus {
          outline: none
        }

        main {
          padding: 1rem
        }

        table {
          border-collapse: collapse;
          width: 100%
        }

        th,
        td {
          text-align: left;
          padding: .35rem .5rem;
          border-bottom: 1px solid var(--line)
        }

        th {
          color: var(--muted);
          font-weight: 600
        }

        .ok {
          color: var(--ok)
        }

        .warn {
          color: var(--warn)
        }

        .bad {
          color: var(--bad)
        }

        .muted {
          color: var(--muted)
        }

        button {
          font: inherit;
          padding: .2rem .6rem;
          border: 1px solid var(--line);
          border-radius: 6px;
          background: transparent;
          color: var(--fg);
          cursor: pointer
        }

        input {
          font: inherit;
          color: var(--fg);
          background: var(--bg);
          border: 1px solid var(--muted);
          border-radius: 6px;
          padding: .15rem .4rem
        }

        #live {
          margin-left: auto;
          font-size: .85rem
        }

        #notice:empty {
          display: none
        }

        #notice {
          margin: .5rem 1rem 0
        }

        .graph {
          width: 100%;
          height: auto;
          max-width: 1180px;
          color: var(--muted);
          display: block
        }

        .graph .col {
          fill: var(--muted);
          font-size: 12px;
          font-weight: 600;
          text-transform: uppercase;
          letter-spacing: .04em
        }

        .graph .edge {
          fill: none;
          stroke: var(--muted);
          stroke-width: 1.5
        }

        .graph .edge.r-held {
          stroke-dasharray: 6 4
        }

        .graph .edge.r-port,
        .graph .edge.r-identity,
        .graph .edge.r-pid {
          stroke-dasharray: 2 4
        }

        .graph.has-sel .edge {
          opacity: .3
        }

        .graph .edge.hl {
          opacity: 1;
          stroke: var(--accent);
          stroke-width: 2.5
        }

        .node {
          cursor: pointer;
          outline: none
        }

        .node .box {
          fill: var(--bg);
          stroke: var(--line);
          stroke-width: 1.5
        }

        .node text {
          fill: var(--fg);
          font-size: 13px
        }

        .node.gone .box {
          stroke-dasharray: 4 3
        }

        .node.nb .box {
          stroke: var(--accent)
        }

        .node:focus .box,
        .node.sel .box {
          stroke: var(--focus);
          stroke-width: 3
        }

        .mark {
          stroke: none
        }

        .k-agent .mark {
          fill: var(--k-agent)
        }

        .k-session .mark {
          fill: var(--k-session)
        }

        .k-file .mark {
          fill: var(--k-file)
        }

        .k-lock .mark {
          fill: var(--k-lock)
        }

        .k-service .mark {
          fill: var(--k-service)
        }

        .legend {
          display: flex;
          flex-wrap: wrap;
          gap: .4rem 1.2rem;
          list-style: none;
          padding: 0;
          margin: .5rem 0 1rem
        }

        .legend li {
          display: flex;
          align-items: center;
          gap: .4rem
        }

        .legend svg {
          color: var(--muted)
        }

        .legend .edge {
          fill: none;
          stroke: var(--muted);
          stroke-width: 1.5
        }

        .legend .r-held {
          stroke-dasharray: 6 4
        }

        .legend .r-port {
          stroke-dasharray: 2 4
        }

        #graph-detail {
          min-height: 1.5em
        }

        .stack {
          margin-bottom: 1.5rem
        }

        .stack h3 {
          margin-bottom: .2rem
        }

        .tail {
          margin: 0;
          font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace;
          white-space: pre-wrap;
          overflow-wrap: anywhere;
          max-width: 52ch;
          max-height: 9em;
          overflow: auto
        }

        .heat {
          display: inline-block;
          width: 6rem;
          height: .7rem;
          border: 1px solid var(--line);
          border-radius: 3px;
          vertical-align: middle;
          overflow: hidden
        }

        .heat-fill {
          display: block;
          height: 100%
        }
        """#
}
