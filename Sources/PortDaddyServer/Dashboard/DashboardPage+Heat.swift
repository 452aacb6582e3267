extension DashboardPage {
    /// The Heat view: the hottest files (heat 0..1 as a coloured bar and a number, the keys it sums, the agents whose
    /// file claims hold each now) and the harbors with their tuple counts, membership rules, members and expiry.
    /// It reads the shared-memory snapshot (`memo`, `DashboardPage+Memory.swift`). Loaded before the main script,
    /// which lists it among the views.
    static let heatScript = #"""
        // Amber when barely warm, red when at 1.
        const heatColour = v => `hsl(${Math.round(45 - 45 * v)}, 90%, ${Math.round(50 - 8 * v)}%)`;
        const heatMeter = f => {
          const v = f.heat.toFixed(2);
          return `<span class=heat role=meter aria-valuemin=0 aria-valuemax=1 aria-valuenow="${v}" aria-label="heat ${v}">` +
            `<span class=heat-fill style="width:${Math.round(f.heat * 100)}%;background:${heatColour(f.heat)}"></span></span> ${v}`;
        };
        const heatKeys = f => Object.entries(f.keys).sort().map(([k, v]) => `${esc(k)} ${v.toFixed(2)}`).join('<br>');
        const noHeatHelp = '<p class=muted>No file is warm. A refused <code>pd claim-files</code> heats a file by itself ' +
          '(a granted one a little); <code>pd pheromone spray --kind file</code> adds more. Heat fades with time.</p>';
        const harborRules = h => !h.declared ? 'open (never created)'
          : [h.closed ? 'closed: members write' : 'open', h.ephemeral ? 'ephemeral' : ''].filter(Boolean).join(', ');
        const harborExpiry = h => h.expiresAt ? `<span data-until="${h.expiresAt}">${until(h.expiresAt)}</span>` : 'never';
        function heatView() {
          if (!memo) return '<h2>Heat</h2>' + memoryLoading;
          return '<h2>Heat</h2><h3>Hottest files</h3>' +
            (memo.files.length
              ? table(['File', 'Heat', 'Trails', 'Held by'], memo.files.map(f => [
                `<span data-file="${esc(f.path)}">${esc(f.path)}</span>`,
                heatMeter(f),
                heatKeys(f),
                f.holders.length ? f.holders.map(esc).join('<br>') : '<span class=muted>nobody</span>',
              ]))
              : noHeatHelp) +
            '<h3>Harbors</h3>' + table(['Harbor', 'Rules', 'Members', 'Tuples', 'Pheromones', 'Expires in'],
              memo.harbors.map(h => [
                esc(h.name),
                harborRules(h),
                h.members.length ? h.members.map(m => esc(m.agent)).join('<br>') : '-',
                `<span data-harbor-tuples="${esc(h.name)}">${h.tuples}</span>`,
                h.pheromones,
                harborExpiry(h),
              ]));
        }
        """#
}
