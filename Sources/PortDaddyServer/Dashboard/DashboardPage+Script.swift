extension DashboardPage {
    /// The views and the live wiring: one `EventSource` on `/dashboard/events`; every event re-reads
    /// `/dashboard/state` (debounced), and with it the shared-memory snapshot while the Heat or Memory view is open.
    /// No polling, except for those two views (`DashboardPage+Memory.swift`): the browser reconnects the stream by
    /// itself after a daemon restart, resumes from `Last-Event-ID`, and the `hello` event hands the page a fresh
    /// action token.
    static let script = #"""
        const meta = document.querySelector('meta[name=pd-token]');
        let token = meta.content,
          state = null,
          shown = null;
        // pd dashboard opens the page with a one-time code in the fragment (never sent by the browser): the page
        // trades it for a session key kept in this tab only, which unlocks stack output and controls. A pasted
        // #token=<your token> works too.
        function takeToken() {
          const m = location.hash.match(/(code|token)=([0-9a-f]{32,})/);
          if (!m) return false;
          history.replaceState(null, '', location.pathname + '#ports');
          if (m[1] == 'token') {
            sessionStorage.setItem('pd-user-token', m[2]);
            return true
          }
          fetch('/dashboard/redeem', {
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                'X-PD-Page-Token': token
              },
              body: JSON.stringify({
                code: m[2]
              })
            })
            .then(r => r.json().then(j => {
              if (r.ok) {
                sessionStorage.setItem('pd-user-token', j.session);
                soon()
              } else notice('Could not unlock the stack controls: ' + (j.error || r.status))
            }))
            .catch(() => notice('Could not unlock the stack controls: daemon unreachable'));
          return true
        }
        takeToken();
        const userToken = () => sessionStorage.getItem('pd-user-token');
        const withUser = h => {
          const t = userToken();
          if (t) h['X-PD-Token'] = t;
          return h
        };
        const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({
          '&': '&amp;',
          '<': '&lt;',
          '>': '&gt;',
          '"': '&quot;',
          "'": '&#39;'
        } [c]));
        const ago = ms => {
          const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
          return s < 60 ? s + 's' : s < 3600 ? Math.round(s / 60) + 'm' : Math.round(s / 3600) + 'h'
        };
        const until = ms => {
          const s = Math.round((ms - Date.now()) / 1000);
          return s <= 0 ? 'now' : s < 60 ? s + 's' : Math.round(s / 60) + 'm'
        };
        const table = (head, rows) => {
          if (!rows.length) return '<p class=muted>Nothing here yet.</p>';
          const th = head.map(h => `<th scope=col>${h}</th>`).join('');
          const body = rows.map(r => '<tr>' + r.map(c => `<td>${c}</td>`).join('') + '</tr>').join('');
          return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
        };
        const name = id => id.split(':').reverse().join('.') + '.localhost';
        const shadow = id =>
          id == 'dashboard' ? ' <span class=muted>(on the proxy, dashboard.localhost is this dashboard)</span>' : '';
        const badge = (cls, text) => `<span class="${cls}">${text}</span>`;
        const claimTone = st => st == 'listening' ? 'ok' : st == 'assigned' ? 'warn' : 'bad';
        const agentTone = st => st == 'alive' ? 'ok' : st == 'stale' ? 'warn' : 'bad';
        const releaseButton = id =>
          `<button data-release="${esc(id)}" data-key="release:${esc(id)}" aria-label="Release ${esc(id)}">Release</button>`;
        const inboxForm = '<h3>Send to an inbox</h3><form id=inbox>' +
          '<label>Agent <input name=to data-key=inbox-to required></label> ' +
          '<label>Message <input name=message data-key=inbox-message required></label> ' +
          '<button data-key=inbox-send>Send</button></form>';
        const noStackHelp = '<p class=muted>No stack is running. Start one with <code>pd up</code> in a project that ' +
          'has a <code>.portdaddyrc</code> (<code>pd scan</code> writes one).</p>';
        const needTokenHelp = '<p class=muted>Output and the Restart/Stop buttons need your token: open this page with ' +
          '<code>pd dashboard</code>.</p>';
        const views = {
          ports: s => '<h2>Ports</h2>' + table(
            ['Port', 'Identity', 'URL', 'State', 'Owner', 'Age', ''],
            s.services.map(x => [
              x.port,
              esc(x.id),
              `<a href="http://${name(x.id)}:${x.port}/">${name(x.id)}</a>` + shadow(x.id),
              badge(claimTone(x.state), x.state),
              x.pid ?? '-',
              ago(x.claimedAt),
              releaseButton(x.id),
            ])),
          stacks: s => '<h2>Stacks</h2>' +
            (s.stacks.length && !s.stackControl ? needTokenHelp : '') +
            (s.stacks.length ? s.stacks.map(stackView).join('') : noStackHelp),
          runs: s => runsView(s),
          fleet: s => fleetView(s),
          agents: s => '<h2>Agents</h2>' + table(
            ['Agent', 'State', 'Identity', 'Purpose', 'Heartbeat'],
            s.agents.map(a => [
              a.name ? `${esc(a.name)}<br><span class=muted>${esc(a.id)}</span>` : esc(a.id),
              badge(agentTone(a.state), a.state), esc(a.identity ?? '-'), esc(a.purpose ?? ''),
              ago(a.lastHeartbeat),
            ])) + inboxForm,
          sessions: s => '<h2>Sessions</h2>' + table(
            ['Session', 'Agent', 'Phase', 'Purpose', 'Notes', 'Files'],
            s.sessions.map(x => [
              esc(x.id), esc(x.agentID), x.phase, esc(x.purpose),
              x.notesWithheld ? `<span class=muted>${x.notesWithheld} note(s): open with pd dashboard to read</span>`
                : x.notes.map(n => `[${n.type}] ${esc(n.text)}`).join('<br>'),
              x.files.map(esc).join('<br>'),
            ])),
          locks: s => '<h2>Locks</h2>' + table(
            ['Lock', 'Holder', 'Fencing token', 'Expires in', 'Waiting'],
            s.locks.map(l => [
              esc(l.name), esc(l.owner), l.token, `<span data-until="${l.expiresAt}">${until(l.expiresAt)}</span>`, l.waiters,
            ])),
          radio: s => '<h2>Radio</h2>' + table(
            ['When', 'Channel', 'Signal', 'Sender', 'Message'],
            s.messages.slice().reverse().map(m => [
              ago(m.createdAt), esc(m.channel), m.signal ? `<strong>⚑ ${esc(m.signal)}</strong>` : '', esc(m.sender ?? ''),
              esc(m.message),
            ])) + '<h3>Activity</h3>' + table(
            ['When', 'What', 'Subject', 'By', 'Detail'],
            s.activity.slice().reverse().map(a => [
              ago(a.at), esc(a.type), esc(a.subject), esc(a.actor ?? ''), esc(a.detail ?? ''),
            ])),
          salvage: s => '<h2>Salvage</h2>' + table(
            ['Dead agent', 'Died', 'Sessions'],
            s.salvage.map(x => [
              esc(x.agentID),
              ago(x.diedAt),
              x.sessions.map(y => esc(y.purpose) + ' — ' + (y.notesWithheld ? `${y.notesWithheld} note(s), hidden`
                : y.notes.map(n => esc(n.text)).join('; '))).join('<br>'),
            ])),
          heat: s => heatView(),
          memory: s => memoryView(),
          graph: s => graphView(s)
        };
        const tone = st => st == 'ready' || st == 'completed' ? 'ok'
          : ['pending', 'starting', 'restarting', 'stopping'].includes(st) ? 'warn' : 'bad';
        const tail = lines => {
          const marked = (lines || []).map(l => esc((l.kind == 'state' ? '» ' : l.stream == 'err' ? '! ' : '') + l.text));
          return '<pre class=tail>' + marked.join('\n') + '</pre>';
        };
        const stackButton = (k, x, what) => {
          const label = what[0].toUpperCase() + what.slice(1);
          return `<button data-key="${what}:${esc(k + '/' + x)}" data-stack="${esc(k)}" data-service="${esc(x)}"` +
            ` data-stackact="${what}" aria-label="${what} ${esc(x)} of ${esc(k)}">${label}</button>`;
        };
        function serviceRow(v, k, x) {
          const exit = x.state == 'exited' && x.exitCode != null ? ` (${x.exitCode})` : '';
          const detail = x.detail ? `<br><span class=muted>${esc(x.detail)}</span>` : '';
          const port = x.port == null ? '-' : x.url ? `<a href="${esc(x.url)}">${x.port}</a>` : x.port;
          const controls = state.stackControl
            ? stackButton(k.key, x.name, 'restart') + ' ' + stackButton(k.key, x.name, 'stop') : '';
          return [
            `${esc(x.name)}<br><span class=muted>${esc(x.identity)}</span>`,
            badge(tone(x.state), x.state + exit) + detail,
            port,
            x.pid ?? '-',
            x.pid && x.startedAt ? ago(x.startedAt) : '-',
            x.restarts,
            tail(v.tails[x.name]),
            controls,
          ];
        }
        function stackView(v) {
          const k = v.stack;
          const failure = k.failure ? ` — <span class=bad>${esc(k.failure)}</span>` : '';
          return `<section class=stack aria-label="stack ${esc(k.key)}">` +
            `<h3>${esc(k.key)} ${badge(tone(k.state), k.state)}</h3><p class=muted>${esc(k.root)}${failure}</p>` +
            table(['Service', 'State', 'Port', 'PID', 'Up', 'Restarts', 'Last lines', ''],
              k.services.map(x => serviceRow(v, k, x))) +
            '</section>';
        }
        const current = () => views[location.hash.slice(1)] ? location.hash.slice(1) : 'ports';
        const byKey = (root, key) => root.querySelector('[data-key="' + CSS.escape(key) + '"]');
        // Re-rendering keeps what the keyboard user is on: the focused control (by data-key) and typed input.
        function render() {
          const v = current(),
            view = document.getElementById('view');
          document.querySelectorAll('nav a').forEach(a => a.setAttribute('aria-current', a.hash == '#' + v ? 'page' : 'false'));
          if (!state) {
            return
          }
          const same = shown == v,
            active = document.activeElement,
            key = same && view.contains(active) && active.dataset ? active.dataset.key : null;
          const typed = same ? [...view.querySelectorAll('input[data-key]')].map(i => [i.dataset.key, i.value]) : [];
          view.innerHTML = views[v](state);
          shown = v;
          for (const [k, value] of typed) {
            const i = byKey(view, k);
            if (i) i.value = value
          }
          if (key) {
            const el = byKey(view, key);
            if (el) el.focus({
              preventScroll: true
            })
          }
          if (v == 'graph') graphAfterRender();
          document.title = 'Port Daddy · ' + v
        }
        const live = t => document.getElementById('live').textContent = t;
        const notice = t => document.getElementById('notice').textContent = t;
        async function refresh() {
          try {
            const r = await fetch('/dashboard/state', {
              cache: 'no-store',
              headers: withUser({})
            });
            state = await r.json();
            if (memoryShown()) await readMemory();
            render()
          } catch (e) {
            live('daemon unreachable')
          }
        }
        let pending = null;
        const soon = () => {
          clearTimeout(pending);
          pending = setTimeout(refresh, 100)
        };
        let stream = null;

        function connect() {
          stream = new EventSource('/dashboard/events');
          stream.addEventListener('hello', e => {
            try {
              token = JSON.parse(e.data).token;
              meta.content = token
            } catch (_) {}
            live('live');
            soon()
          });
          stream.addEventListener('activity', soon);
          stream.addEventListener('message', soon);
          stream.addEventListener('stack', () => {
            if (current() == 'stacks') soon()
          });
          stream.addEventListener('run', () => {
            if (current() == 'runs' || current() == 'fleet') soon()
          });
          stream.addEventListener('end', () => live('reconnecting…'));
          stream.onerror = () => {
            live('reconnecting…');
            if (stream.readyState === EventSource.CLOSED) {
              stream = null;
              setTimeout(connect, 2000)
            }
          }
        }
        async function act(path, body, done) {
          try {
            const r = await fetch(path, {
              method: 'POST',
              headers: withUser({
                'Content-Type': 'application/json',
                'X-PD-Page-Token': token
              }),
              body: JSON.stringify(body)
            });
            const j = await r.json().catch(() => ({}));
            notice(r.ok ? done : 'Failed: ' + (j.error || r.status))
          } catch (e) {
            notice('Failed: daemon unreachable')
          }
          soon()
        }
        document.addEventListener('click', e => {
          const id = e.target.dataset && e.target.dataset.release;
          if (id) act('/dashboard/release', {
            id
          }, 'Released ' + id);
          const b = e.target.closest && e.target.closest('[data-stackact]');
          if (b) {
            const d = b.dataset;
            act('/dashboard/stacks/' + d.stackact, {
              stack: d.stack,
              service: d.service
            }, (d.stackact == 'stop' ? 'Stopped ' : 'Restarting ') + d.service + ' of ' + d.stack)
          }
        });
        document.addEventListener('submit', e => {
          if (e.target.id == 'inbox') {
            e.preventDefault();
            const f = new FormData(e.target);
            act('/dashboard/inbox', {
              to: f.get('to'),
              message: f.get('message')
            }, 'Sent to ' + f.get('to'));
            e.target.reset()
          }
        });
        addEventListener('hashchange', () => {
          if (takeToken() || memoryShown()) soon();
          notice('');
          render();
          document.getElementById('view').focus()
        });
        setInterval(() => document.querySelectorAll('[data-until]').forEach(n => n.textContent = until(+n.dataset.until)), 1000);
        connect();
        render();
        refresh();
        """#
}
