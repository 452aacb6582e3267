extension DashboardPage {
    /// The Graph view: agents, sessions, files (file claims), locks and services (claims) as an inline SVG
    /// node-link diagram with a small layered layout, no library.
    ///
    /// - Links come only from the snapshot: an agent runs its sessions (`session.agentID`), a session claims its
    ///   files (`session.files`) and the port of its identity (`session.identity`), a lock is held by the agent
    ///   its owner names (or whose pid holds it), a claim belongs to the agent whose identity or pid it shares.
    /// - Each kind has a column. A node keeps its slot (keyed by id) for as long as it exists, so live refreshes
    ///   never move what is on screen; a new node takes the free slot nearest its already-placed neighbours.
    /// - Nodes are focusable (Tab, arrow keys between nodes), labelled for screen readers, and focusing one
    ///   highlights its links and writes them out in a live region.
    static let graphScript = #"""
        const G = {
          cols: ['service', 'lock', 'agent', 'session', 'file'],
          order: ['agent', 'session', 'file', 'service', 'lock'],
          titles: {
            service: 'Services (claims)',
            lock: 'Locks',
            agent: 'Agents',
            session: 'Sessions',
            file: 'Files'
          },
          w: 200,
          h: 34,
          dx: 230,
          dy: 46,
          top: 40,
          left: 12
        };
        const MARK = {
          agent: '<circle class=mark cx=16 cy=17 r=7></circle>',
          session: '<rect class=mark x=9 y=10 width=14 height=14 rx=3></rect>',
          file: '<path class=mark d="M10 9h9l4 4v12H10z"></path>',
          lock: '<path class=mark d="M16 9l8 8-8 8-8-8z"></path>',
          service: '<path class=mark d="M12 10h8l4 7-4 7h-8l-4-7z"></path>'
        };
        const slots = new Map();
        let graphSel = null;

        function graphModel(s) {
          const nodes = new Map(),
            edges = [];
          const add = (kind, key, label, info, gone) => {
            const id = kind + ':' + key;
            if (!nodes.has(id)) nodes.set(id, {
              id,
              kind,
              label,
              info,
              gone: !!gone
            })
          };
          for (const a of s.agents) add('agent', a.id, a.id, a.state + (a.purpose ? ', ' + a.purpose : ''), a.state != 'alive');
          for (const x of s.sessions) {
            add('session', x.id, x.purpose || x.id, x.phase + ', ' + x.id);
            for (const f of x.files) add('file', f, f, 'claimed file')
          }
          for (const l of s.locks) add('lock', l.name, l.name, 'owner ' + l.owner + ', fencing token ' + l.token);
          for (const x of s.services) add('service', x.id, x.id + ' :' + x.port, x.state + ', port ' + x.port, x.state == 'dead');
          const link = (from, to, rel, verb) => {
            if (nodes.has(from) && nodes.has(to) && !edges.some(e => e.from == from && e.to == to)) edges.push({
              from,
              to,
              rel,
              verb
            })
          };
          for (const x of s.sessions) {
            link('agent:' + x.agentID, 'session:' + x.id, 'runs', 'runs');
            for (const f of x.files) link('session:' + x.id, 'file:' + f, 'runs', 'claims');
            if (x.identity) link('session:' + x.id, 'service:' + x.identity, 'port', 'claimed the port of')
          }
          for (const l of s.locks) {
            link('lock:' + l.name, 'agent:' + l.owner, 'held', 'is held by');
            for (const a of s.agents)
              if (l.pid != null && a.pid === l.pid) link('lock:' + l.name, 'agent:' + a.id, 'held', 'is held by the process of')
          }
          for (const x of s.services)
            for (const a of s.agents) {
              if (a.identity && a.identity === x.id) link('service:' + x.id, 'agent:' + a.id, 'identity', 'is the identity of');
              else if (x.pid != null && a.pid === x.pid) link('service:' + x.id, 'agent:' + a.id, 'pid', 'was claimed by the process of')
            }
          return {
            nodes: [...nodes.values()],
            edges
          }
        }

        function place(m) {
          const alive = new Set(m.nodes.map(n => n.id));
          for (const id of [...slots.keys()])
            if (!alive.has(id)) slots.delete(id);
          const used = G.cols.map(() => new Set());
          for (const p of slots.values()) used[p.col].add(p.row);
          const byKindThenId = (a, b) =>
            G.order.indexOf(a.kind) - G.order.indexOf(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          const fresh = m.nodes.filter(n => !slots.has(n.id)).sort(byKindThenId);
          for (const n of fresh) {
            const col = G.cols.indexOf(n.kind);
            const near = m.edges.filter(e => e.from == n.id || e.to == n.id)
              .map(e => slots.get(e.from == n.id ? e.to : e.from))
              .filter(p => p);
            const want = near.length ? Math.round(near.reduce((t, p) => t + p.row, 0) / near.length) : 0;
            let row = want;
            for (let d = 0;; d++) {
              if (!used[col].has(want + d)) {
                row = want + d;
                break
              }
              if (want - d >= 0 && !used[col].has(want - d)) {
                row = want - d;
                break
              }
            }
            used[col].add(row);
            slots.set(n.id, {
              col,
              row
            })
          }
        }
        const graphLegend = () => {
          const kinds = G.cols.map(k =>
            `<li><svg width=18 height=18 viewBox="6 7 20 20" aria-hidden=true><g class="k-${k}">${MARK[k]}</g></svg>` +
            `${G.titles[k]}</li>`);
          const links = [
            ['runs', 'runs a session, claims a file'],
            ['held', 'lock held by'],
            ['port', 'same identity, port or process']
          ].map(([r, t]) =>
            `<li><svg width=34 height=10 aria-hidden=true><path class="edge r-${r}" d="M1,5H33"></path></svg>${t}</li>`);
          return '<ul class=legend aria-label="Legend">' + kinds.join('') + links.join('') + '</ul>';
        };

        function graphView(s) {
          const m = graphModel(s);
          place(m);
          const head = '<h2>Graph</h2>' + graphLegend();
          if (!m.nodes.length) {
            return head + '<p>Nothing to draw yet: no agents, sessions, file claims, locks or claimed ports. ' +
              'They appear here as they happen.</p>';
          }
          const byId = new Map(m.nodes.map(n => [n.id, n])),
            word = n => ({
              service: 'claim',
              lock: 'lock',
              agent: 'agent',
              session: 'session',
              file: 'file'
            } [n.kind]) + ' ' + n.label;
          const at = id => {
            const p = slots.get(id);
            return {
              x: G.left + p.col * G.dx,
              y: G.top + p.row * G.dy
            }
          };
          const rows = Math.max(...m.nodes.map(n => slots.get(n.id).row)) + 1,
            W = G.left * 2 + (G.cols.length - 1) * G.dx + G.w,
            H = G.top + rows * G.dy;
          const sentence = e => word(byId.get(e.from)) + ' ' + e.verb + ' ' + word(byId.get(e.to));
          const arrow = '<marker id=pd-arrow viewBox="0 0 10 10" refX=9 refY=5 markerUnits=userSpaceOnUse ' +
            'markerWidth=9 markerHeight=9 orient=auto><path d="M0,0L10,5L0,10z" fill=currentColor></path></marker>';
          let svg = `<svg class=graph id=graph role=group aria-label="${m.nodes.length} nodes and ${m.edges.length} links"` +
            ` viewBox="0 0 ${W} ${H}" width=${W} height=${H}>` +
            `<defs>${arrow}</defs>` +
            G.cols.map((k, i) => `<text class=col x=${G.left + i * G.dx} y=22>${G.titles[k]}</text>`).join('');
          // A link between neighbouring columns is one curve through the gap between them; a longer one runs along
          // the lane between two rows, so it never passes behind a box of a column in between.
          for (const e of m.edges) {
            const a = at(e.from),
              b = at(e.to),
              fwd = a.x < b.x,
              k = fwd ? 12 : -12,
              sx = fwd ? a.x + G.w : a.x,
              ex = fwd ? b.x : b.x + G.w,
              sy = a.y + G.h / 2,
              ey = b.y + G.h / 2;
            let d = `M${sx},${sy} C${sx + 2 * k},${sy} ${ex - 2 * k},${ey} ${ex},${ey}`;
            if (Math.abs(slots.get(e.from).col - slots.get(e.to).col) > 1) {
              const y = Math.min(a.y, b.y) - (G.dy - G.h) / 2;
              d = `M${sx},${sy} C${sx + k},${sy} ${sx + k},${y} ${sx + 2 * k},${y}` +
                ` L${ex - 2 * k},${y} C${ex - k},${y} ${ex - k},${ey} ${ex},${ey}`;
            }
            svg += `<path class="edge r-${e.rel}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"` +
              ` marker-end="url(#pd-arrow)" d="${d}"><title>${esc(sentence(e))}</title></path>`;
          }
          for (const n of m.nodes) {
            const p = at(n.id),
              links = m.edges.filter(e => e.from == n.id || e.to == n.id).map(sentence);
            const text = word(n) + ' (' + n.info + ')' + (links.length ? '. Links: ' + links.join('; ') : '. No links') + '.';
            const shown = n.label.length <= 22 ? n.label
              : n.kind == 'file' ? '…' + n.label.slice(-21) : n.label.slice(0, 21) + '…';
            svg += `<g class="node k-${n.kind}${n.gone ? ' gone' : ''}" data-id="${esc(n.id)}" data-key="node:${esc(n.id)}"` +
              ` tabindex=0 role=img aria-label="${esc(text)}" transform="translate(${p.x},${p.y})">` +
              `<title>${esc(text)}</title><rect class=box width=${G.w} height=${G.h} rx=6></rect>${MARK[n.kind]}` +
              `<text x=30 y=22>${esc(shown)}</text></g>`;
          }
          return head + svg + '</svg><p id=graph-detail aria-live=polite></p>'
        }

        function graphSelect(id) {
          graphSel = id;
          const svg = document.getElementById('graph');
          if (!svg) return;
          svg.classList.toggle('has-sel', !!id);
          const near = new Set();
          svg.querySelectorAll('.edge').forEach(p => {
            const on = !!id && (p.dataset.from == id || p.dataset.to == id);
            p.classList.toggle('hl', on);
            if (on) {
              near.add(p.dataset.from);
              near.add(p.dataset.to)
            }
          });
          svg.querySelectorAll('.node').forEach(n => {
            n.classList.toggle('sel', n.dataset.id == id);
            n.classList.toggle('nb', n.dataset.id != id && near.has(n.dataset.id))
          });
          const n = id && svg.querySelector('.node[data-id="' + CSS.escape(id) + '"]');
          document.getElementById('graph-detail').textContent =
            n ? n.getAttribute('aria-label') : 'Tab to a node (arrow keys move between nodes) to read its links.';
        }

        function graphAfterRender() {
          graphSelect(graphSel && slots.has(graphSel) ? graphSel : null)
        }
        document.addEventListener('focusin', e => {
          const g = e.target.closest && e.target.closest('.node');
          if (g) graphSelect(g.dataset.id)
        });
        document.addEventListener('focusout', e => {
          const g = e.target.closest && e.target.closest('.node'),
            to = e.relatedTarget;
          if (g && !(to && to.closest && to.closest('.node'))) graphSelect(null)
        });
        document.addEventListener('click', e => {
          const g = e.target.closest && e.target.closest('.node');
          if (g) g.focus()
        });
        document.addEventListener('keydown', e => {
          const g = e.target.closest && e.target.closest('.node'),
            dir = {
              ArrowUp: [0, -1],
              ArrowDown: [0, 1],
              ArrowLeft: [-1, 0],
              ArrowRight: [1, 0]
            } [e.key];
          if (e.key == 'Escape' && graphSel) {
            graphSelect(null);
            return
          }
          if (!g || !dir) return;
          const p = slots.get(g.dataset.id);
          let best = null,
            score = Infinity;
          for (const [id, q] of slots) {
            const dc = q.col - p.col,
              dr = q.row - p.row;
            if (dir[0] ? Math.sign(dc) != dir[0] : (dc != 0 || Math.sign(dr) != dir[1])) continue;
            const sc = dir[0] ? Math.abs(dc) * 1000 + Math.abs(dr) : Math.abs(dr);
            if (sc < score) {
              score = sc;
              best = id
            }
          }
          if (best) {
            e.preventDefault();
            const el = document.querySelector('.node[data-id="' + CSS.escape(best) + '"]');
            if (el) el.focus()
          }
        });
        """#
}
