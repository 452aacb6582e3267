/// The dashboard page: HTML, CSS and JavaScript in one string, served by the daemon (works offline).
enum DashboardPage {
    static func html(token: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="pd-token" content="\(token)"><title>Port Daddy</title>
        <style>
        :root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0969da;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;--accent:#58a6ff;--ok:#3fb950;--warn:#d29922;--bad:#f85149}}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,sans-serif;background:var(--bg);color:var(--fg)}
        header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line)}
        header h1{font-size:1.1rem;margin:0}nav{display:flex;gap:.25rem;flex-wrap:wrap}
        nav a{color:var(--fg);text-decoration:none;padding:.3rem .6rem;border-radius:6px}nav a[aria-current=page]{background:var(--accent);color:#fff}
        nav a:focus-visible,button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
        main{padding:1rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
        th{color:var(--muted);font-weight:600}.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}.muted{color:var(--muted)}
        button{font:inherit;padding:.2rem .6rem;border:1px solid var(--line);border-radius:6px;background:transparent;color:var(--fg);cursor:pointer}
        #live{margin-left:auto;font-size:.85rem}
        </style></head><body>
        <header><h1>⚓ Port Daddy</h1><nav aria-label="Views">
        <a href="#ports">Ports</a><a href="#stacks">Stacks</a><a href="#agents">Agents</a><a href="#sessions">Sessions</a>
        <a href="#locks">Locks</a><a href="#radio">Radio</a><a href="#salvage">Salvage</a><a href="#graph">Graph</a></nav>
        <span id="live" class="muted" role="status">connecting…</span></header>
        <main id="view" tabindex="-1"></main>
        <script>
        const token=document.querySelector('meta[name=pd-token]').content;let state=null;
        const esc=s=>String(s??'').replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
        const ago=ms=>{const s=Math.max(0,Math.round((Date.now()-ms)/1000));return s<60?s+'s':s<3600?Math.round(s/60)+'m':Math.round(s/3600)+'h'};
        const until=ms=>{const s=Math.round((ms-Date.now())/1000);return s<=0?'now':s<60?s+'s':Math.round(s/60)+'m'};
        const table=(head,rows)=>rows.length?'<table><thead><tr>'+head.map(h=>'<th scope=col>'+h+'</th>').join('')+'</tr></thead><tbody>'+rows.map(r=>'<tr>'+r.map(c=>'<td>'+c+'</td>').join('')+'</tr>').join('')+'</tbody></table>':'<p class=muted>Nothing here yet.</p>';
        const name=id=>id.split(':').reverse().join('.')+'.localhost';
        const views={
         ports:s=>'<h2>Ports</h2>'+table(['Port','Identity','URL','State','Owner','Age',''],s.services.map(x=>[x.port,esc(x.id),'<a href="http://'+name(x.id)+':'+x.port+'/">'+name(x.id)+'</a>','<span class="'+(x.state=='listening'?'ok':x.state=='assigned'?'warn':'bad')+'">'+x.state+'</span>',x.pid??'-',ago(x.claimedAt),'<button data-release="'+esc(x.id)+'">Release</button>'])),
         stacks:()=>'<h2>Stacks</h2><p>Not built yet: stacks (<code>pd up</code>) arrive with a later release. <code>pd scan</code> already writes <code>.portdaddyrc</code>.</p>',
         agents:s=>'<h2>Agents</h2>'+table(['Agent','State','Identity','Purpose','Heartbeat'],s.agents.map(a=>[esc(a.id),'<span class="'+(a.state=='alive'?'ok':a.state=='stale'?'warn':'bad')+'">'+a.state+'</span>',esc(a.identity??'-'),esc(a.purpose??''),ago(a.lastHeartbeat)]))+'<h3>Send to an inbox</h3><form id=inbox><label>Agent <input name=to required></label> <label>Message <input name=message required></label> <button>Send</button></form>',
         sessions:s=>'<h2>Sessions</h2>'+table(['Session','Agent','Phase','Purpose','Notes','Files'],s.sessions.map(x=>[esc(x.id),esc(x.agentID),x.phase,esc(x.purpose),x.notes.map(n=>'['+n.type+'] '+esc(n.text)).join('<br>'),x.files.map(esc).join('<br>')])),
         locks:s=>'<h2>Locks</h2>'+table(['Lock','Holder','Fencing token','Expires in','Waiting'],s.locks.map(l=>[esc(l.name),esc(l.owner),l.token,'<span data-until="'+l.expiresAt+'">'+until(l.expiresAt)+'</span>',l.waiters])),
         radio:s=>'<h2>Radio</h2>'+table(['When','Channel','Signal','Sender','Message'],s.messages.slice().reverse().map(m=>[ago(m.createdAt),esc(m.channel),m.signal?'<strong>⚑ '+esc(m.signal)+'</strong>':'',esc(m.sender??''),esc(m.message)]))+'<h3>Activity</h3>'+table(['When','What','Subject','By','Detail'],s.activity.slice().reverse().map(a=>[ago(a.at),esc(a.type),esc(a.subject),esc(a.actor??''),esc(a.detail??'')])),
         salvage:s=>'<h2>Salvage</h2>'+table(['Dead agent','Died','Sessions'],s.salvage.map(x=>[esc(x.agentID),ago(x.diedAt),x.sessions.map(y=>esc(y.purpose)+' — '+y.notes.map(n=>esc(n.text)).join('; ')).join('<br>')])),
         graph:()=>'<h2>Graph</h2><p>Not built yet: the live node-link diagram of agents, sessions, files, locks and services.</p>'};
        const current=()=>views[location.hash.slice(1)]?location.hash.slice(1):'ports';
        function render(){const v=current();document.querySelectorAll('nav a').forEach(a=>a.setAttribute('aria-current',a.hash=='#'+v?'page':'false'));
         if(!state&&v!='stacks'&&v!='graph'){return}document.getElementById('view').innerHTML=views[v](state);document.title='Port Daddy · '+v}
        async function refresh(){try{const r=await fetch('/dashboard/state',{cache:'no-store'});state=await r.json();render()}catch(e){document.getElementById('live').textContent='daemon unreachable'}}
        let pending=null;const soon=()=>{clearTimeout(pending);pending=setTimeout(refresh,100)};
        function follow(url){const es=new EventSource(url);es.onopen=()=>{document.getElementById('live').textContent='live';soon()};
         es.onmessage=soon;es.addEventListener('activity',soon);es.onerror=()=>{document.getElementById('live').textContent='reconnecting…'}}
        async function act(path,body){await fetch(path,{method:'POST',headers:{'Content-Type':'application/json','X-PD-Page-Token':token},body:JSON.stringify(body)});soon()}
        document.addEventListener('click',e=>{const id=e.target.dataset&&e.target.dataset.release;if(id)act('/dashboard/release',{id})});
        document.addEventListener('submit',e=>{if(e.target.id=='inbox'){e.preventDefault();const f=new FormData(e.target);act('/dashboard/inbox',{to:f.get('to'),message:f.get('message')});e.target.reset()}});
        addEventListener('hashchange',()=>{render();document.getElementById('view').focus()});
        setInterval(()=>document.querySelectorAll('[data-until]').forEach(n=>n.textContent=until(+n.dataset.until)),1000);
        follow('/activity/subscribe');follow('/channels/*/subscribe');render();refresh();
        </script></body></html>
        """
    }
}
