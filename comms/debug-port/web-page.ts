import type { Route } from './routes.js';

/**
 * `GET /` (BRIEF §5): the field engineer's page. One self-contained document, inline CSS and script,
 * no external resources, no framework. It polls `GET /api/v1/status` every {@link STATUS_POLL_MS} and
 * shows mode, pose, speed, nearest obstacle, the reflex (state, rule, reason, last trip), the devices'
 * health and the loop timing. E-STOP and Reset POST to the operator routes with an optional bearer
 * token kept in `sessionStorage`. The drive pad is hold-to-drive: while a key is held it sends
 * `POST /api/v1/override` every {@link OVERRIDE_PERIOD_MS}; on release it sends one zero command, and
 * should that be lost the reflex's dead-man stops the robot anyway. Text from the robot is put in
 * with `textContent`, never parsed as HTML.
 */

/** How often the page polls the status, milliseconds. */
export const STATUS_POLL_MS = 500;
/** How often a held drive key renews the manual command, milliseconds (well inside the dead-man timeout). */
export const OVERRIDE_PERIOD_MS = 200;

/** `content-security-policy` of the page: nothing but this origin and the page's own inline code. */
export const WEB_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `
:root { color-scheme: light dark; --ok: #2e7d32; --warn: #ef6c00; --bad: #c62828; --muted: #888; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 12px; max-width: 1100px; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 6px; }
section { border: 1px solid #8884; border-radius: 6px; padding: 10px; }
main { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); margin-top: 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #8883; vertical-align: top; }
.state { font-weight: 600; }
.ok, .clear { color: var(--ok); }
.degraded, .limited, .slow, .starting { color: var(--warn); }
.failed, .stopped, .estop { color: var(--bad); }
#link.down { color: var(--bad); font-weight: 600; }
#estop { background: var(--bad); color: #fff; font-size: 18px; font-weight: 700; padding: 10px 22px;
  border: 0; border-radius: 6px; cursor: pointer; }
#reset { padding: 10px 16px; }
.pad { display: grid; grid-template-columns: repeat(3, 64px); grid-template-rows: repeat(3, 48px); gap: 6px;
  margin-top: 8px; user-select: none; touch-action: none; }
.pad button { font-size: 20px; }
.pad button.held { outline: 3px solid var(--warn); }
#answer { color: var(--muted); min-height: 1.4em; }
`;

const SCRIPT = `
'use strict';
const STATUS_POLL_MS = ${STATUS_POLL_MS};
const OVERRIDE_PERIOD_MS = ${OVERRIDE_PERIOD_MS};
const TOKEN_KEY = 'spinal.token';
const $ = (id) => document.getElementById(id);
const fixed = (value, digits) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-');
const ms = (us) => fixed(us / 1000, 2) + ' ms';

function setText(id, text, cls) {
  const el = $(id);
  el.textContent = text;
  if (cls !== undefined) el.className = cls;
}

function render(s) {
  setText('robot', s.robotId + ' on ' + s.board);
  setText('mode', s.mode);
  setText('clock', fixed(s.clockS, 1) + ' s (up ' + fixed(s.uptimeS, 0) + ' s)');
  setText('age', s.statusAgeMs + ' ms' + (s.stale ? ' (stale)' : ''), s.stale ? 'failed' : '');
  setText('pose', s.pose ? 'x ' + fixed(s.pose.xM, 2) + ' m, y ' + fixed(s.pose.yM, 2) + ' m, yaw ' +
    fixed((s.pose.yawRad * 180) / Math.PI, 1) + ' deg' : 'unknown');
  setText('speed', fixed(s.speed.vMps, 2) + ' m/s, ' + fixed(s.speed.wRadps, 2) + ' rad/s');
  setText('nearest', s.nearestObstacleM === null ? 'no data' : fixed(s.nearestObstacleM, 2) + ' m');
  setText('mission', s.mission.kind + ': ' + s.mission.state);
  const r = s.reflex;
  setText('reflex-state', r.state, 'state ' + r.state);
  setText('reflex-rule', r.rule || '-');
  setText('reflex-reason', r.reason || '-');
  setText('reflex-trips', String(r.trips));
  setText('reflex-last', r.lastTrip ? '[' + fixed(r.lastTrip.atUs / 1e6, 3) + ' s] ' + r.lastTrip.rule + ': ' +
    r.lastTrip.reason : 'none');
  const l = s.loop;
  setText('loop-rate', l.rateHz + ' Hz, ' + l.ticks + ' ticks');
  setText('loop-duration', ms(l.lastDurationUs) + ' last, ' + ms(l.maxDurationUs) + ' max');
  setText('loop-lateness', ms(l.latenessP99Us));
  setText('loop-misses', String(l.deadlineMisses), l.deadlineMisses > 0 ? 'degraded' : '');
  const rows = s.devices.map((d) => {
    const tr = document.createElement('tr');
    const counters = Object.entries(d.counters).map(([k, v]) => k + ' ' + v).join(', ');
    for (const [text, cls] of [[d.id], [d.kind + ' (' + d.compatible + ')'], [d.health.state, 'state ' + d.health.state],
      [d.health.reason], [counters]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  $('devices').replaceChildren(...rows);
}

async function poll() {
  try {
    const res = await fetch('/api/v1/status', { cache: 'no-store', headers: authHeader() });
    const body = await res.json();
    if (!res.ok) throw new Error(body.reason || body.error || 'HTTP ' + res.status);
    render(body);
    setText('link', 'connected', '');
  } catch (error) {
    setText('link', 'no status: ' + error.message, 'down');
  } finally {
    setTimeout(poll, STATUS_POLL_MS);
  }
}

function authHeader() {
  const token = $('token').value.trim();
  return token ? { authorization: 'Bearer ' + token } : {};
}

function headers() {
  return { 'content-type': 'application/json', ...authHeader() };
}

async function post(path, body) {
  try {
    const res = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body || {}) });
    const text = await res.text();
    setText('answer', path + ' -> ' + res.status + ' ' + text.trim().slice(0, 200));
    return res.ok;
  } catch (error) {
    setText('answer', path + ' failed: ' + error.message);
    return false;
  }
}

// Beyond loopback the page itself is opened as /?token=...: keep the token, take it out of the address bar.
const fromQuery = new URLSearchParams(location.search).get('token');
if (fromQuery) {
  sessionStorage.setItem(TOKEN_KEY, fromQuery);
  history.replaceState(null, '', location.pathname);
}
$('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
$('token').addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, $('token').value.trim()));
$('estop').addEventListener('click', () => post('/api/v1/estop', { reason: 'e-stop from the web page' }));
$('reset').addEventListener('click', () => post('/api/v1/estop/reset'));

let driving = null;
function drive(button) {
  stop();
  const speed = Number($('drive-speed').value);
  const turn = Number($('drive-turn').value);
  const cmd = { vMps: Number(button.dataset.v) * speed, wRadps: Number(button.dataset.w) * turn };
  const send = () => post('/api/v1/override', cmd);
  button.classList.add('held');
  driving = { button, timer: setInterval(send, OVERRIDE_PERIOD_MS) };
  send();
}
function stop() {
  if (!driving) return;
  clearInterval(driving.timer);
  driving.button.classList.remove('held');
  driving = null;
  post('/api/v1/override', { vMps: 0, wRadps: 0 });
}
for (const button of document.querySelectorAll('.pad button[data-v]')) {
  button.addEventListener('pointerdown', (e) => { e.preventDefault(); button.setPointerCapture(e.pointerId); drive(button); });
  button.addEventListener('pointerup', stop);
  button.addEventListener('pointercancel', stop);
  button.addEventListener('lostpointercapture', stop);
}
window.addEventListener('blur', stop);
document.addEventListener('visibilitychange', () => { if (document.hidden) stop(); });
poll();
`;

const BODY = `
<header>
  <h1>spinal <span id="robot">-</span></h1>
  <span id="link">connecting...</span>
  <span><button id="estop" type="button">E-STOP</button> <button id="reset" type="button">Reset</button></span>
</header>
<label>Bearer token (only needed beyond loopback) <input id="token" type="password" autocomplete="off" size="28"></label>
<div id="answer"></div>
<main>
  <section><h2>Robot</h2><dl>
    <dt>Mode</dt><dd id="mode">-</dd>
    <dt>Clock</dt><dd id="clock">-</dd>
    <dt>Status age</dt><dd id="age">-</dd>
    <dt>Pose</dt><dd id="pose">-</dd>
    <dt>Speed</dt><dd id="speed">-</dd>
    <dt>Nearest obstacle</dt><dd id="nearest">-</dd>
    <dt>Mission</dt><dd id="mission">-</dd>
  </dl></section>
  <section><h2>Reflex</h2><dl>
    <dt>State</dt><dd id="reflex-state">-</dd>
    <dt>Rule</dt><dd id="reflex-rule">-</dd>
    <dt>Reason</dt><dd id="reflex-reason">-</dd>
    <dt>Trips</dt><dd id="reflex-trips">-</dd>
    <dt>Last trip</dt><dd id="reflex-last">-</dd>
  </dl></section>
  <section><h2>Loop</h2><dl>
    <dt>Rate</dt><dd id="loop-rate">-</dd>
    <dt>Duration</dt><dd id="loop-duration">-</dd>
    <dt>Lateness p99</dt><dd id="loop-lateness">-</dd>
    <dt>Deadline misses</dt><dd id="loop-misses">-</dd>
  </dl></section>
  <section><h2>Manual drive (hold)</h2>
    <label>Speed <input id="drive-speed" type="number" value="0.2" min="0" max="1" step="0.05"> m/s</label><br>
    <label>Turn <input id="drive-turn" type="number" value="0.6" min="0" max="3" step="0.1"> rad/s</label>
    <div class="pad">
      <span></span><button type="button" data-v="1" data-w="0" title="forward">&#9650;</button><span></span>
      <button type="button" data-v="0" data-w="1" title="turn left">&#9664;</button><span></span>
      <button type="button" data-v="0" data-w="-1" title="turn right">&#9654;</button>
      <span></span><button type="button" data-v="-1" data-w="0" title="back">&#9660;</button><span></span>
    </div>
  </section>
</main>
<section style="margin-top: 12px"><h2>Devices</h2><table>
  <thead><tr><th>Device</th><th>Kind</th><th>Health</th><th>Reason</th><th>Counters</th></tr></thead>
  <tbody id="devices"></tbody>
</table></section>
`;

/** The whole page, served as is. */
export const WEB_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinal debug port</title>
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

/** `GET /`: the page, `text/html`, with {@link WEB_PAGE_CSP}. */
export function webPageRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/',
      mutating: false,
      handle: () => ({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        text: WEB_PAGE_HTML,
        headers: {
          'content-security-policy': WEB_PAGE_CSP,
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
        },
      }),
    },
  ];
}
