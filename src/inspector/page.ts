/**
 * @internal The inspector's page: one HTML file with its script inline (no build step, nothing fetched).
 * It opens a WebSocket to the server it came from, draws each update (task table, resources, timeline) and
 * sends the step-mode commands.
 */
export function inspectorPage(protocol: string): string {
  return PAGE.replace('__PROTOCOL__', JSON.stringify(protocol));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>copas inspector</title>
<style>
  body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { display: flex; gap: 12px; align-items: center; padding: 8px 14px; background: #1d2330; color: #fff; }
  header h1 { font-size: 15px; margin: 0 12px 0 0; font-weight: 600; }
  header button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 0; background: #3b4a63; color: #fff; cursor: pointer; }
  header button:disabled { opacity: .4; cursor: default; }
  header button.on { background: #d9534f; }
  #mode { font-weight: 600; padding: 2px 8px; border-radius: 4px; background: #2e7d32; }
  #mode.paused { background: #d9534f; }
  #conn, #info { opacity: .8; }
  main { padding: 10px 14px; }
  section { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px #0002; padding: 8px 10px; margin-bottom: 10px; }
  h2 { font-size: 13px; margin: 0 0 6px; color: #4a5568; text-transform: uppercase; letter-spacing: .04em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #edf0f4; white-space: nowrap; }
  th { color: #6b7280; font-weight: 500; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tbody tr { cursor: pointer; }
  tbody tr.selected { outline: 2px solid #1f6feb; outline-offset: -2px; }
  tr.long td { background: #fdecea; }
  tr.long td.flag { color: #b42318; font-weight: 600; }
  tr.held td.state { color: #b42318; font-weight: 600; }
  .state-running { color: #1f6feb; font-weight: 600; } .state-ready { color: #2e7d32; }
  .legend span { display: inline-block; margin-right: 10px; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: -1px; }
  canvas { width: 100%; display: block; }
  #empty { color: #6b7280; }
</style>
</head>
<body>
<header>
  <h1>copas inspector</h1>
  <span id="mode">running</span>
  <button id="pause">Pause</button>
  <button id="step" disabled>Step</button>
  <button id="turn" disabled>Turn of selected</button>
  <button id="resume" disabled>Resume</button>
  <span id="info">steps: <b id="steps">0</b> · held: <b id="held">0</b> · tasks: <b id="count">0</b></span>
  <span id="conn">connecting…</span>
</header>
<main>
  <section>
    <h2>Tasks</h2>
    <table id="tasks">
      <thead><tr><th>id</th><th>name</th><th>state</th><th>waiting on</th><th>for</th><th class="num">resumes</th>
        <th class="num">running ms</th><th class="num">longest ms</th><th>woken by</th><th>flag</th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="empty"></div>
  </section>
  <section>
    <h2>Timeline <select id="span"><option value="1">1 s</option><option value="5" selected>5 s</option><option value="30">30 s</option></select></h2>
    <div class="legend" id="legend"></div>
    <canvas id="timeline" height="60"></canvas>
  </section>
  <section>
    <h2>Locks, semaphores, queues</h2>
    <table id="resources">
      <thead><tr><th>kind</th><th>name</th><th>holder</th><th class="num">count</th><th>waiters (in order)</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script>
'use strict';
const PROTOCOL = __PROTOCOL__;
const COLORS = { run: '#1f6feb', ready: '#9bd18b', held: '#f28b82', sleep: '#d6dbe3', read: '#2a9d8f', write: '#e9c46a',
  connect: '#7fb7be', accept: '#b8c0ff', lock: '#e76f51', semaphore: '#f4a261', queue: '#8e7dbe', future: '#6d597a',
  promise: '#b56576', exit: '#adb5bd', close: '#ced4da', other: '#c9ccd1' };
const WAITS = ['', 'read', 'write', 'connect', 'accept', 'lock', 'semaphore', 'queue', 'future', 'promise', 'exit', 'close'];
// TaskState numbers (src/scheduler/task.ts)
const READY = 0, SLEEPING = 2, LETHARGIC = 3, WAITING = 4, DEAD = 5, HELD = 6;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
let ws = null, last = null, selected = null;
const lanes = new Map(); // tid -> { name, segs: [{ s, e, k }], ended }
const arrows = [];       // { from, to, ts }

$('legend').innerHTML = Object.entries(COLORS).map(([k, c]) => '<span><i style="background:' + c + '"></i>' + k + '</span>').join('');

function afterKind(code) {
  const state = code >> 4;
  if (state === WAITING) return WAITS[code & 15] || 'other';
  if (state === SLEEPING || state === LETHARGIC) return 'sleep';
  return 'ready';
}
function lane(tid, name) {
  let l = lanes.get(tid);
  if (l === undefined) { l = { name: name || ('#' + tid), segs: [], ended: null }; lanes.set(tid, l); }
  if (name) l.name = name;
  return l;
}
function closeOpen(l, ts) { const s = l.segs[l.segs.length - 1]; if (s && s.e === null) s.e = ts; }
function addEvents(u) {
  for (const [kind, tid, ts, dur, other, code] of u.events) {
    const l = lane(tid, u.names[tid]);
    if (kind === 1) { l.segs.push({ s: ts, e: null, k: 'ready' }); }
    else if (kind === 2) {
      closeOpen(l, ts);
      l.segs.push({ s: ts, e: ts + dur, k: 'run' });
      if ((code >> 4) !== DEAD) l.segs.push({ s: ts + dur, e: null, k: afterKind(code) });
    } else if (kind === 3) {
      closeOpen(l, ts);
      l.segs.push({ s: ts, e: null, k: 'ready' });
      arrows.push({ from: other, to: tid, ts });
    } else if (kind === 4) { closeOpen(l, ts); l.ended = ts; }
  }
  for (const tid of u.held) { // a wait for the turn that the pause held is drawn as held
    const l = lanes.get(tid);
    const open = l && l.segs[l.segs.length - 1];
    if (open && open.e === null && open.k === 'ready') open.k = 'held';
  }
  const keep = u.now - 60000; // a minute of history at most
  for (const [tid, l] of lanes) {
    while (l.segs.length > 0 && l.segs[0].e !== null && l.segs[0].e < keep) l.segs.shift();
    if (l.ended !== null && l.ended < keep) lanes.delete(tid);
  }
  while (arrows.length > 0 && arrows[0].ts < keep) arrows.shift();
}

function fmtAgo(since) { return since === null ? '' : Math.max(0, (Date.now() / 1000 - since)).toFixed(1) + ' s'; }
function renderTasks(u) {
  const held = new Set(u.held);
  const rows = u.tasks.map((t) => {
    const state = held.has(t.id) ? 'held' : t.state;
    const target = t.waiting && t.waiting.target && !t.waiting.target.startsWith(t.waiting.on) ? ' <small>' + esc(t.waiting.target) + '</small>' : '';
    const waits = t.waiting ? (target === '' && t.waiting.target ? esc(t.waiting.target) : esc(t.waiting.on) + target)
      : t.state === 'sleeping' ? (t.deadline === null ? 'until wakeup' : 'sleep ' + Math.max(0, t.deadline - Date.now() / 1000).toFixed(2) + ' s') : '';
    const flag = t.long ? '⚠ ran ' + Math.round(t.longest * 1000) + ' ms without yielding' : '';
    const cls = [t.id === selected ? 'selected' : '', t.long ? 'long' : '', state === 'held' ? 'held' : ''].join(' ');
    return '<tr data-id="' + t.id + '" class="' + cls + '"><td>' + t.id + '</td><td class="name">' + esc(t.name) + '</td>'
      + '<td class="state state-' + state + '">' + state + '</td><td>' + waits + '</td><td>' + fmtAgo(t.since) + '</td>'
      + '<td class="num resumes">' + t.resumes + '</td><td class="num">' + (t.busy * 1000).toFixed(1) + '</td>'
      + '<td class="num">' + (t.longest * 1000).toFixed(1) + '</td><td>' + esc(t.wokenBy ?? '') + '</td><td class="flag">' + flag + '</td></tr>';
  });
  document.querySelector('#tasks tbody').innerHTML = rows.join('');
  $('empty').textContent = u.tasks.length === 0 ? 'no tasks' : u.totalTasks > u.tasks.length ? 'showing ' + u.tasks.length + ' of ' + u.totalTasks : '';
  const res = u.resources.map((r) => '<tr><td>' + r.kind + '</td><td>' + esc(r.name) + (r.destroyed ? ' (destroyed)' : '') + '</td><td>'
    + (r.holder ? esc(r.holder.name) : '') + '</td><td class="num">' + (r.count === null ? '' : r.count + (r.max === null ? '' : ' / ' + r.max))
    + '</td><td>' + r.waiters.map((w) => esc(w.name) + (w.requested !== undefined ? ' (' + w.requested + ')' : '')).join(' → ') + '</td></tr>');
  document.querySelector('#resources tbody').innerHTML = res.join('');
}

function renderTimeline(u) {
  const cv = $('timeline');
  const span = Number($('span').value) * 1000;
  const end = u.now, start = end - span;
  const alive = new Set(u.tasks.map((t) => t.id));
  const order = [...lanes.entries()].filter(([tid, l]) => alive.has(tid) || (l.ended !== null && l.ended > start)).sort((a, b) => a[0] - b[0]);
  const LH = 22, LABEL = 170, top = 18;
  const width = cv.clientWidth || 800;
  const height = top + order.length * LH + 4;
  const dpr = window.devicePixelRatio || 1;
  cv.width = width * dpr; cv.height = height * dpr; cv.style.height = height + 'px';
  const g = cv.getContext('2d');
  g.scale(dpr, dpr);
  g.clearRect(0, 0, width, height);
  const x = (t) => LABEL + (t - start) / span * (width - LABEL - 4);
  g.font = '11px system-ui'; g.fillStyle = '#6b7280';
  for (let i = 0; i <= 5; i++) { const t = start + span * i / 5; g.fillText(((t - end) / 1000).toFixed(1) + ' s', x(t) - 12, 11); }
  const rowOf = new Map();
  order.forEach(([tid, l], i) => {
    const y = top + i * LH;
    rowOf.set(tid, y + LH / 2);
    g.fillStyle = '#1d2330';
    g.fillText((l.name.length > 24 ? l.name.slice(0, 23) + '…' : l.name), 4, y + 14);
    for (const s of l.segs) {
      const e = s.e === null ? (l.ended ?? end) : s.e;
      if (e < start) continue;
      const k = s.k;
      g.fillStyle = COLORS[k] || COLORS.other;
      const h = k === 'run' ? LH - 6 : LH - 14;
      const x0 = Math.max(LABEL, x(s.s)), x1 = x(e);
      g.fillRect(x0, y + (LH - h) / 2, Math.max(k === 'run' ? 2 : 1, x1 - x0), h);
    }
  });
  g.strokeStyle = '#d9534f'; g.lineWidth = 1;
  for (const a of arrows) {
    if (a.ts < start || a.from === 0) continue;
    const y0 = rowOf.get(a.from), y1 = rowOf.get(a.to);
    if (y0 === undefined || y1 === undefined) continue;
    const ax = x(a.ts);
    g.beginPath(); g.moveTo(ax, y0); g.lineTo(ax, y1); g.stroke();
    g.beginPath(); g.moveTo(ax - 3, y1 + (y1 > y0 ? -5 : 5)); g.lineTo(ax, y1); g.lineTo(ax + 3, y1 + (y1 > y0 ? -5 : 5)); g.stroke();
  }
}

function render(u) {
  last = u;
  $('mode').textContent = u.paused ? 'paused' : 'running';
  $('mode').className = u.paused ? 'paused' : '';
  $('steps').textContent = String(u.steps);
  $('held').textContent = String(u.held.length);
  $('count').textContent = String(u.totalTasks);
  $('pause').disabled = u.paused;
  $('step').disabled = !u.paused;
  $('resume').disabled = !u.paused;
  $('turn').disabled = !u.paused || selected === null;
  renderTasks(u);
  renderTimeline(u);
}

function send(cmd) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(cmd)); }
$('pause').onclick = () => send({ cmd: 'pause' });
$('step').onclick = () => send({ cmd: 'step' });
$('resume').onclick = () => send({ cmd: 'resume' });
$('turn').onclick = () => { if (selected !== null) send({ cmd: 'turn', id: selected }); };
document.querySelector('#tasks tbody').addEventListener('click', (ev) => {
  const tr = ev.target.closest('tr');
  if (!tr) return;
  selected = Number(tr.dataset.id);
  if (last) render(last);
});
$('span').onchange = () => { if (last) renderTimeline(last); };

function connect() {
  ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/', PROTOCOL);
  ws.onopen = () => { $('conn').textContent = 'connected'; };
  ws.onclose = () => { $('conn').textContent = 'disconnected'; setTimeout(connect, 1000); };
  ws.onmessage = (m) => {
    const u = JSON.parse(m.data);
    if (u.type === 'update') { addEvents(u); render(u); }
    else if (u.type === 'reply' && !u.ok) { $('conn').textContent = u.error; }
  };
}
connect();
</script>
</body>
</html>
`;
