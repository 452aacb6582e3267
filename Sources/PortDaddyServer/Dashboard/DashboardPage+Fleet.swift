extension DashboardPage {
    /// The Fleet view: the panic switch, every fleet with its agents (status, queue depth, last run, next schedule,
    /// spend today), every project wallet (spend today against the allowance, balance, reserved) and the budget
    /// guard's pending kills with a live countdown to their deadline. The Raise, Kill and Grace buttons and the
    /// two-step Panic (arm with a reason, then a separate Confirm within the window) and Unpanic only for a tab
    /// holding the user's authority (`stackControl`, from `pd dashboard`); the daemon checks that key again on each.
    /// Loaded before the main script, which lists it among the views; fleet and budget events are channel messages
    /// (`fleet:events`, `budget:pending`), so the one stream already re-reads the state.
    static let fleetScript = #"""
        const fleetTone = st => st == 'running' ? 'ok' : st == 'invalid' ? 'bad' : 'warn';
        const fleetAgentTone = st => st == 'running' || st == 'idle' ? 'ok' : st == 'disabled' ? 'bad' : 'warn';
        const usd = m => m == null ? '-' : '$' + esc(m.usd);
        const noFleetHelp = '<p class=muted>No fleet is running. Start one with <code>pd fleet up</code> in a folder that ' +
          'has a <code>pd-fleet.yml</code> (<code>pd fleet init</code> writes one).</p>';
        const fleetNeedKeyHelp = '<p class=muted>The Raise, Kill, Grace and Panic buttons need your key: open this page with ' +
          '<code>pd dashboard</code>.</p>';
        const fleetButton = (what, run, label) =>
          `<button data-fleetact="${what}" data-run="${esc(run)}" data-key="${what}:${esc(run)}" ` +
          `aria-label="${label} ${esc(run)}">${label}</button>`;
        let panicTimer = null;

        function fleetSection(f) {
          const problems = (f.problems || []).map(p => `<br><span class=bad>${esc(p)}</span>`).join('');
          return `<section class=stack aria-label="fleet ${esc(f.project)}">` +
            `<h3>${esc(f.name)} ${badge(fleetTone(f.state), esc(f.state))}</h3>` +
            `<p class=muted>project ${esc(f.project)} · ${esc(f.mode || 'attached')} · ${esc(f.path)}${problems}</p>` +
            table(['Agent', 'Status', 'Queue', 'Last run', 'Next schedule', 'Spend today'],
              f.agents.map(a => [
                esc(a.name),
                badge(fleetAgentTone(a.status), esc(a.status)) + (a.dropped ? `<br><span class=muted>${a.dropped} dropped</span>` : ''),
                a.queueDepth,
                a.lastRun ? esc(a.lastRun) : '-',
                a.nextSchedule ? `<span data-until="${a.nextSchedule}">${until(a.nextSchedule)}</span>` : '-',
                usd(a.spendToday),
              ])) + '</section>';
        }

        function walletRow(w) {
          const over = w.allowance && w.spentToday.micros >= w.allowance.micros;
          return [
            esc(w.project),
            w.allowance ? badge(over ? 'bad' : 'ok', `${usd(w.spentToday)} of ${usd(w.allowance)}`)
              : `${usd(w.spentToday)}<br><span class=muted>no daily budget</span>`,
            usd(w.balance),
            usd(w.reserved),
            usd(w.raisedToday),
          ];
        }

        function pendingRow(p, control) {
          const raise = `<label>USD <input data-key="raise-usd:${esc(p.run)}" size=5 value="1" ` +
            `aria-label="Raise by (USD) for ${esc(p.run)}"></label> ` + fleetButton('raise', p.run, 'Raise');
          return [
            esc(p.run),
            esc(p.project),
            `${usd(p.spentToday)} of ${usd(p.allowance)}`,
            `<span class=bad data-until="${p.deadline}" data-deadline="${esc(p.run)}">${until(p.deadline)}</span>`,
            `${p.extensions} of 2`,
            control ? raise + ' ' + fleetButton('kill', p.run, 'Kill') + ' ' + fleetButton('grace', p.run, 'Grace') : '',
          ];
        }

        function panicPanel(s) {
          const p = s.fleet.panic,
            control = s.stackControl;
          clearTimeout(panicTimer);
          const why = p.reason ? ` <span class=muted>(${esc(p.reason)})</span>` : '';
          if (p.panicked) {
            return `<p id=panic-state>${badge('bad', '<strong>PANICKED</strong>')}: every agent run was killed and spawning is ` +
              `refused until unpanic.${why}</p>` + (control ? '<form id=unpanic><label>Reason <input name=reason ' +
              'data-key=unpanic-reason required></label> <button data-key=unpanic-send>Unpanic</button></form>' : '');
          }
          if (p.armed) {
            panicTimer = setTimeout(soon, Math.max(0, p.confirmBy - Date.now()) + 500);
            return `<p id=panic-state>${badge('warn', '<strong>Panic armed</strong>')}: confirm within ` +
              `<span data-until="${p.confirmBy}">${until(p.confirmBy)}</span> to kill every agent run.${why}</p>` +
              (control ? '<button data-fleetact=confirm data-run=panic data-key=panic-confirm ' +
                'aria-label="Confirm the panic">Confirm panic: kill every agent run</button>' : '');
          }
          return `<p id=panic-state>${badge('ok', 'Calm')}: agents may spawn within their budgets.</p>` +
            (control ? '<form id=panic><label>Reason <input name=reason data-key=panic-reason required></label> ' +
              '<button data-key=panic-arm>Panic</button></form>' : '');
        }

        const fleetView = s => '<h2>Fleet</h2>' + (s.stackControl ? '' : fleetNeedKeyHelp) +
          '<h3>Panic switch</h3>' + panicPanel(s) +
          '<h3>Pending kills</h3>' + (s.fleet.pending.length
            ? table(['Run', 'Project', 'Spent today', 'Killed in', 'Extensions', ''],
              s.fleet.pending.map(p => pendingRow(p, s.stackControl)))
            : '<p class=muted>No run is over its budget.</p>') +
          '<h3>Fleets</h3>' + (s.fleet.fleets.length ? s.fleet.fleets.map(fleetSection).join('') : noFleetHelp) +
          '<h3>Wallets</h3>' + (s.fleet.wallets.length
            ? table(['Project', 'Spent today', 'Balance', 'Reserved', 'Raised today'], s.fleet.wallets.map(walletRow))
            : '<p class=muted>No project has a wallet. Give one a daily budget with <code>pd wallet budget</code>.</p>');

        document.addEventListener('click', e => {
          const b = e.target.closest && e.target.closest('[data-fleetact]');
          if (!b) return;
          const run = b.dataset.run,
            what = b.dataset.fleetact;
          if (what == 'raise') {
            const i = byKey(document, 'raise-usd:' + run);
            act('/dashboard/fleet/raise', {
              run,
              usd: i ? i.value : ''
            }, 'Raised the allowance for ' + run)
          } else if (what == 'confirm') {
            act('/dashboard/fleet/panic', {
              reason: state.fleet.panic.reason || 'panic from the dashboard',
              confirm: true
            }, 'Panicked: every agent run was killed')
          } else act('/dashboard/fleet/' + what, {
            run
          }, (what == 'kill' ? 'Killed ' : 'One more grace window for ') + run)
        });
        document.addEventListener('submit', e => {
          const id = e.target.id;
          if (id != 'panic' && id != 'unpanic') return;
          e.preventDefault();
          act('/dashboard/fleet/' + id, {
            reason: new FormData(e.target).get('reason')
          }, id == 'panic' ? 'Panic armed: confirm it before the countdown ends' : 'Panic cleared')
        });
        """#
}
