extension DashboardPage {
    /// The Memory view — every construct in its tier (core, recall, archival) with its live count, and the newest
    /// episodes, whose text (note text) only a tab holding the user's authority gets — and the shared-memory
    /// snapshot (`GET /dashboard/memory`) that it and the Heat view read. The snapshot is read with the state on
    /// every stream event while one of the two views is open, and every few seconds besides: heat fades with time,
    /// and sprays, refused file claims and tuples leave no activity record to wake the page. Loaded before the
    /// main script, which lists both views and calls `readMemory` from its refresh.
    static let memoryScript = #"""
        let memo = null;
        const memoryRefreshMillis = 3000;
        const memoryShown = () => ['heat', 'memory'].includes(current());
        const memoryLoading = '<p class=muted>Loading…</p>';
        async function readMemory() {
          const r = await fetch('/dashboard/memory', {
            cache: 'no-store',
            headers: withUser({})
          });
          if (r.ok) memo = await r.json()
        }
        const tierTitles = {
          core: 'Core: what is true now',
          recall: 'Recall: recent and retained',
          archival: 'Archival: history kept long'
        };
        function tierSection(tier) {
          const rows = memo.tiers.constructs.filter(c => c.tier == tier);
          return `<h3>${tierTitles[tier]} <span class=muted>· ${memo.tiers.totals[tier] ?? 0}</span></h3>` +
            table(['Construct', 'Count', 'Kept'], rows.map(c => [
              esc(c.name), `<span data-construct="${esc(c.name)}">${c.count}</span>`, esc(c.retention),
            ]));
        }
        const episodeTone = t => t == 'blocker' ? 'bad' : t == 'finding' ? 'ok' : t == 'handoff' ? 'warn' : 'muted';
        const episodesNeedTokenHelp = '<p class=muted>Episode text is note text: it needs your token. Open this page ' +
          'with <code>pd dashboard</code>.</p>';
        const noEpisodesHelp = '<p class=muted>No episodes yet. Handoff, finding and blocker notes ' +
          '(<code>pd note "…" --type finding</code>) and the outcomes of agent runs become episodes.</p>';
        const episodeRow = (e, shown) => [
          ago(e.at),
          badge(episodeTone(e.type), esc(e.type)),
          esc(e.identity ?? e.project ?? '-'),
          esc(e.agent ?? '-'),
          shown ? `<span data-episode-text>${esc(e.text)}</span>` : '<span class=muted>hidden</span>',
          esc(e.source),
        ];
        function memoryView() {
          if (!memo) return '<h2>Memory</h2>' + memoryLoading;
          return '<h2>Memory</h2>' + ['core', 'recall', 'archival'].map(tierSection).join('') +
            '<h3>Recent episodes</h3>' +
            (memo.episodes.length && !memo.textShown ? episodesNeedTokenHelp : '') +
            (memo.episodes.length
              ? table(['When', 'Type', 'Identity', 'Agent', 'Text', 'Source'], memo.episodes.map(e => episodeRow(e, memo.textShown)))
              : noEpisodesHelp);
        }
        setInterval(() => {
          if (state && memoryShown() && !document.hidden) readMemory().then(render).catch(() => {})
        }, memoryRefreshMillis);
        """#
}
