extension DashboardPage {
    /// The Runs view: every agent run of the last day with its display name, state, tokens and cost; its last output
    /// lines and a Kill button only for a tab holding the user's authority (`stackControl`, from `pd dashboard`).
    /// Loaded before the main script, which lists it among the views and re-reads the state on `run` events.
    static let runsScript = #"""
        const runTone = st => st == 'succeeded' ? 'ok' : st == 'running' || st == 'starting' ? 'warn' : 'bad';
        const runFinal = st => !(st == 'running' || st == 'starting');
        const noRunsHelp = '<p class=muted>No agent runs in the last day. Launch one with <code>pd spawn</code> or ' +
          '<code>pd agent "task"</code>.</p>';
        const runsNeedTokenHelp = '<p class=muted>Output and the Kill button need your token: open this page with ' +
          '<code>pd dashboard</code>.</p>';
        const killButton = r =>
          `<button data-killrun="${esc(r.id)}" data-key="kill:${esc(r.id)}" aria-label="Kill ${esc(r.name)}">Kill</button>`;
        function runRow(v, control) {
          const r = v.run;
          const why = r.reason && r.reason != r.state ? ` (${esc(r.reason)})` : '';
          return [
            `${esc(r.name)}<br><span class=muted>${esc(r.id)}</span>`,
            esc(r.backend) + (r.model ? `<br><span class=muted>${esc(r.model)}</span>` : ''),
            badge(runTone(r.state), esc(r.state)) + why,
            `${r.tokens.input} in / ${r.tokens.output} out`,
            `$${esc(r.cost.usd)}<br><span class=muted>of $${esc(r.budget.usd)}</span>`,
            esc(r.agentID),
            ago(r.startedAt ?? r.createdAt),
            control ? '<pre class=tail>' + v.tail.map(esc).join('\n') + '</pre>' : '',
            control && !runFinal(r.state) ? killButton(r) : '',
          ];
        }
        const runsView = s => '<h2>Runs</h2>' +
          (s.runs.length && !s.stackControl ? runsNeedTokenHelp : '') +
          (s.runs.length
            ? table(['Run', 'Backend', 'State', 'Tokens', 'Cost', 'Agent', 'Started', 'Last lines', ''],
              s.runs.map(v => runRow(v, s.stackControl)))
            : noRunsHelp);
        document.addEventListener('click', e => {
          const b = e.target.closest && e.target.closest('[data-killrun]');
          if (b) act('/dashboard/runs/kill', {
            run: b.dataset.killrun
          }, 'Killed ' + b.dataset.killrun)
        });
        """#
}
