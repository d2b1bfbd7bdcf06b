import type { Route } from './routes.js';

/**
 * `GET /` (BRIEF §5): the field engineer's page. One self-contained document, inline CSS and script,
 * no external resources, no framework. It polls `GET /api/v1/status` every {@link STATUS_POLL_MS},
 * the scan every {@link SCAN_POLL_MS}, the map as versioned deltas (`GET /api/v1/map?since=V`) every
 * {@link MAP_POLL_MS} and the events every {@link EVENTS_POLL_MS}, and follows `GET /api/v1/logs`.
 * It draws the map on a canvas (grid, geofence, path, peers, scan, the swept area the reflex checked (as it reports it),
 * the footprint and pose with its localisation quality) at most every {@link DRAW_MIN_MS}, and the
 * last trip's black box as a plot. What it drew is kept in `window.spinalView` for tests and tools.
 *
 * It does not mislead: the e-stop says whether it is latched and who asked; reset asks first and
 * says what it clears and that the mission resumes; a value is greyed out with its age once the
 * link drops; distances say what they are measured from; times are wall-clock.
 * E-STOP and Reset POST to the operator routes with an optional bearer token kept in
 * `sessionStorage`. The drive pad is hold-to-drive (buttons, or the arrow keys / WASD): while held
 * it sends `POST /api/v1/override` every {@link OVERRIDE_PERIOD_MS}; on release, blur or the page
 * being hidden it sends one zero command, and should that be lost the reflex's dead-man stops the
 * robot anyway. Text from the robot is put in with `textContent`, never parsed as HTML.
 */

/** How often the page polls the status, milliseconds. */
export const STATUS_POLL_MS = 500;
/** How often a held drive command is renewed, milliseconds (well inside the dead-man timeout). */
export const OVERRIDE_PERIOD_MS = 200;
/** How often the page fetches the latest lidar revolution, milliseconds. */
export const SCAN_POLL_MS = 500;
/** How often the page asks for the map's changes, milliseconds. */
export const MAP_POLL_MS = 1_000;
/** How often the page asks for new events, milliseconds. */
export const EVENTS_POLL_MS = 1_000;
/** Least time between two drawings of the map, milliseconds. */
export const DRAW_MIN_MS = 200;

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
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 10px; max-width: 1280px; overflow-wrap: anywhere; }
header { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; justify-content: space-between; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 6px; display: flex; justify-content: space-between; gap: 8px; }
.age { font-size: 12px; font-weight: 400; color: var(--muted); }
section { border: 1px solid #8884; border-radius: 6px; padding: 8px; min-width: 0; }
main { display: grid; gap: 10px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 330px), 1fr)); margin-top: 10px; }
.wide { grid-column: 1 / -1; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 10px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-variant-numeric: tabular-nums; min-width: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { text-align: left; padding: 3px 4px; border-bottom: 1px solid #8883; vertical-align: top; font-size: 13px; }
canvas { width: 100%; display: block; background: #7771; border-radius: 4px; touch-action: none; }
.state { font-weight: 600; }
.ok, .clear { color: var(--ok); }
.degraded, .limited, .slow, .starting, .lost { color: var(--warn); }
.failed, .stopped, .estop, .latched { color: var(--bad); font-weight: 600; }
#link.down { color: var(--bad); font-weight: 600; }
body.offline dd, body.offline td, body.offline canvas, body.offline .log li { opacity: 0.4; filter: grayscale(1); }
#estop { background: var(--bad); color: #fff; font-size: 18px; font-weight: 700; padding: 10px 22px;
  border: 0; border-radius: 6px; cursor: pointer; }
#reset { padding: 10px 16px; }
#override-state.active { background: var(--warn); color: #000; padding: 2px 8px; border-radius: 4px; font-weight: 700; }
.banner { padding: 6px 8px; border-radius: 4px; margin: 6px 0; }
.banner.latched { background: #c6282822; border: 1px solid var(--bad); }
.pad { display: grid; grid-template-columns: repeat(3, 64px); grid-template-rows: repeat(3, 48px); gap: 6px;
  margin-top: 8px; user-select: none; touch-action: none; }
.pad button { font-size: 20px; }
.pad button.held { outline: 3px solid var(--warn); }
#answer { color: var(--muted); min-height: 1.4em; }
.log { list-style: none; margin: 0; padding: 0; max-height: 220px; overflow-y: auto; font-size: 12px;
  font-family: ui-monospace, monospace; }
.log li { border-bottom: 1px solid #8882; padding: 1px 0; }
.legend { font-size: 12px; color: var(--muted); }
dialog { max-width: min(92vw, 420px); }
input[type=number] { width: 5em; }
#token { max-width: 100%; }
`;

const SCRIPT = `
'use strict';
const STATUS_POLL_MS = ${STATUS_POLL_MS};
const OVERRIDE_PERIOD_MS = ${OVERRIDE_PERIOD_MS};
const SCAN_POLL_MS = ${SCAN_POLL_MS};
const MAP_POLL_MS = ${MAP_POLL_MS};
const EVENTS_POLL_MS = ${EVENTS_POLL_MS};
const DRAW_MIN_MS = ${DRAW_MIN_MS};
const TOKEN_KEY = 'spinal.token';
const $ = (id) => document.getElementById(id);
const fixed = (value, digits) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-');
const ms = (us) => fixed(us / 1000, 2) + ' ms';
const clock = (wallMs) => new Date(wallMs).toLocaleTimeString([], { hour12: false }) + '.' + String(Math.floor(wallMs % 1000)).padStart(3, '0');

// What the page has and what it drew: for tools and tests (read-only for them).
const view = window.spinalView = {
  status: null, statusAtMs: 0, scan: null, scanAtMs: 0, map: null, mapAtMs: 0, mapFull: 0, mapDeltas: 0, mapTiles: 0,
  events: [], eventsAtMs: 0, lastSeq: 0, frames: 0, drawn: null, online: false, lostAtMs: 0, override: null, estop: null,
};

function setText(id, text, cls) {
  const el = $(id);
  el.textContent = text;
  if (cls !== undefined) el.className = cls;
}

function authHeader() {
  const token = $('token').value.trim();
  return token ? { authorization: 'Bearer ' + token } : {};
}

async function getJson(path) {
  const res = await fetch(path, { cache: 'no-store', headers: authHeader() });
  const body = await res.json();
  if (!res.ok) { const e = new Error(body.reason || body.error || 'HTTP ' + res.status); e.status = res.status; throw e; }
  return body;
}

// Robot clock (seconds) to wall clock, from the latest status: clockS was the robot's time when it arrived less its age.
function wallOfClockUs(atUs) {
  const s = view.status;
  if (!s) return Date.now();
  return view.statusAtMs - s.statusAgeMs - (s.clockS * 1e6 - atUs) / 1000;
}

function who(by) {
  if (!by) return 'unknown';
  if (by.via === 'debug-port') return (by.remoteAddress || '?') + (by.origin ? ' via ' + by.origin : ' (no origin)') + (by.authenticated ? ', with token' : '');
  return by.via;
}

// ---- status ----
function render(s) {
  setText('robot', s.robotId + ' on ' + s.board);
  setText('mode', s.mode);
  setText('clock', fixed(s.clockS, 1) + ' s (up ' + fixed(s.uptimeS, 0) + ' s)');
  setText('pose', s.pose ? 'x ' + fixed(s.pose.xM, 2) + ' m, y ' + fixed(s.pose.yM, 2) + ' m, yaw ' +
    fixed((s.pose.yawRad * 180) / Math.PI, 1) + ' deg (robot centre, world frame)' : 'unknown');
  setText('speed', fixed(s.speed.vMps, 2) + ' m/s, ' + fixed(s.speed.wRadps, 2) + ' rad/s (given to the motors)');
  setText('nearest', s.nearestObstacleM === null ? 'no data' : fixed(s.nearestObstacleM, 2) + ' m from the robot centre');
  const m = s.mission;
  setText('mission', m.kind + ': ' + m.state + (m.id ? ' (' + m.id + ')' : ''));
  setText('mission-progress', typeof m.progress === 'number' ? fixed(m.progress * 100, 0) + ' %' : '-');
  $('mission-bar').value = typeof m.progress === 'number' ? m.progress : 0;
  setText('mission-goal', typeof m.goalDistanceM === 'number' ? fixed(m.goalDistanceM, 2) + ' m from the robot centre' : '-');
  setText('mission-eta', typeof m.etaS === 'number' ? fixed(m.etaS, 0) + ' s' : '-');
  const r = s.reflex;
  setText('reflex-state', r.state, 'state ' + r.state);
  setText('reflex-rule', r.rule || '-');
  setText('reflex-reason', r.reason || '-');
  setText('reflex-trips', String(r.trips));
  setText('reflex-last', r.lastTrip ? clock(wallOfClockUs(r.lastTrip.atUs)) + ' ' + r.lastTrip.rule + ': ' + r.lastTrip.reason : 'none');
  setText('reflex-braking', r.braking ? fixed(r.braking.usedMps2, 2) + ' m/s2 used (assumed ' + fixed(r.braking.assumedMps2, 2) +
    ', observed ' + (r.braking.observedMps2 === null ? '-' : fixed(r.braking.observedMps2, 2)) + ')' : '-');
  const l = s.loop;
  setText('loop-rate', l.rateHz + ' Hz, ' + l.ticks + ' ticks');
  setText('loop-duration', ms(l.lastDurationUs) + ' last, ' + ms(l.maxDurationUs) + ' max');
  setText('loop-lateness', ms(l.latenessP99Us));
  setText('loop-misses', String(l.deadlineMisses), l.deadlineMisses > 0 ? 'degraded' : '');
  const rows = s.devices.map((d) => {
    const tr = document.createElement('tr');
    const pairs = (o) => Object.entries(o || {}).map(([k, v]) => k + ' ' + v).join(', ');
    const reading = d.reading ? (() => { const { stampUs, ...rest } = d.reading; return pairs(rest) + ' (at ' + clock(wallOfClockUs(stampUs)) + ')'; })() : '';
    const readings = [reading, pairs(d.details), pairs(d.counters)].filter((t) => t).join('; ');
    for (const [text, cls] of [[d.id + ' (' + d.kind + ', ' + d.compatible + ')'], [d.health.state + (d.health.reason ? ': ' + d.health.reason : ''), 'state ' + d.health.state], [readings || '-']]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  $('devices').replaceChildren(...rows);
  const params = Object.entries((s.config && s.config.tunable) || {});
  if (s.site) {
    params.push(['robot.footprint (length x width)', s.site.footprint.lengthM + ' x ' + s.site.footprint.widthM + ' m']);
    params.push(['reflex.sideMarginM', s.site.sideMarginM]);
    params.push(['reflex.reactionLatencyMs', s.site.reactionLatencyMs]);
    params.push(['reflex.deadmanTimeoutMs', s.site.deadmanTimeoutMs]);
    params.push(['geofence', s.site.geofence ? s.site.geofence.length + ' corners' : 'none']);
  }
  setText('config-version', s.config ? 'config version ' + s.config.version + (s.config.version === 0 ? ' (as started)' : '') : '');
  $('params').replaceChildren(...params.map(([k, v]) => {
    const tr = document.createElement('tr');
    for (const text of [k, String(v)]) { const td = document.createElement('td'); td.textContent = text; tr.append(td); }
    return tr;
  }));
  renderOperatorState();
}

// The e-stop and the override, from the reflex state and the events that say who.
function renderOperatorState() {
  const s = view.status;
  if (!s) return;
  let estop = null;
  let override = null;
  for (const e of view.events) {
    if (e.kind === 'operator-estop') estop = e;
    if (e.kind === 'operator-reset') estop = null;
    if (e.kind === 'override') override = e.phase === 'start' ? e : null;
  }
  const latched = s.reflex.state === 'estop';
  view.estop = { latched, by: latched && estop ? estop.by : null };
  if (latched) {
    setText('estop-state', 'E-STOP LATCHED: ' + (estop ? 'asked by ' + who(estop.by) + ' at ' + clock(wallOfClockUs(estop.atUs)) +
      ' (' + estop.reason + ')' : 'by rule ' + s.reflex.rule + ': ' + s.reflex.reason) + '. The robot stays stopped until Reset.', 'banner latched');
  } else setText('estop-state', 'E-stop not latched', 'banner');
  const mine = driving !== null;
  view.override = { active: mine || override !== null, byThisPage: mine, by: override ? override.by : null };
  if (mine || override) setText('override-state', 'MANUAL OVERRIDE ACTIVE' + (override ? ' (' + who(override.by) + ')' : ' (this page)'), 'active');
  else setText('override-state', 'no manual override', '');
}

async function pollStatus() {
  try {
    const s = await getJson('/api/v1/status');
    view.status = s;
    view.statusAtMs = Date.now();
    render(s);
    online(!s.stale, s.stale ? 'robot status stale (' + s.statusAgeMs + ' ms old)' : '');
  } catch (error) {
    online(false, 'no status: ' + error.message);
  } finally {
    setTimeout(pollStatus, STATUS_POLL_MS);
  }
}

function online(ok, why) {
  if (ok) {
    view.online = true;
    setText('link', 'connected', '');
  } else {
    if (view.online || !view.lostAtMs) view.lostAtMs = Date.now();
    view.online = false;
    setText('link', why + '; values greyed out are from before', 'down');
  }
  document.body.classList.toggle('offline', !ok);
  drawSoon();
}

function ages() {
  const now = Date.now();
  const age = (at) => (at ? ((now - at) / 1000).toFixed(1) + ' s old' : 'none yet');
  setText('age-status', age(view.statusAtMs));
  setText('age-map', 'map ' + age(view.mapAtMs) + ', scan ' + age(view.scanAtMs));
  setText('age-events', age(view.eventsAtMs));
  for (const id of ['age-reflex', 'age-mission', 'age-devices', 'age-loop']) setText(id, age(view.statusAtMs));
}
setInterval(ages, 500);

// ---- map ----
const grid = { canvas: document.createElement('canvas'), image: null, meta: null };
function decode(b64) {
  const bin = atob(b64);
  const out = new Int8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i) << 24 >> 24;
  return out;
}
function paint(cells, x0, y0, w, h) {
  const data = grid.image.data;
  const W = grid.meta.widthCells, H = grid.meta.heightCells;
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const v = cells[row * w + col];
      // Image rows go down; grid rows go up (north): flip.
      const p = ((H - 1 - (y0 + row)) * W + x0 + col) * 4;
      const shade = v < 0 ? 0 : 255 - Math.round((Math.min(v, 100) / 100) * 255);
      data[p] = data[p + 1] = data[p + 2] = shade;
      data[p + 3] = v < 0 ? 0 : 255;
    }
  }
}
async function pollMap() {
  try {
    const since = grid.meta ? '?since=' + grid.meta.version : '';
    const body = await getJson('/api/v1/map' + since);
    if (body.encoding === 'int8-base64') {
      grid.meta = body;
      grid.canvas.width = body.widthCells;
      grid.canvas.height = body.heightCells;
      grid.image = new ImageData(body.widthCells, body.heightCells);
      paint(decode(body.cells), 0, 0, body.widthCells, body.heightCells);
      view.mapFull += 1;
    } else if (body.encoding === 'int8-base64-tiles' && grid.meta) {
      for (const t of body.tiles) paint(decode(t.cells), t.x, t.y, t.widthCells, t.heightCells);
      grid.meta.version = body.version;
      view.mapDeltas += 1;
      view.mapTiles += body.tiles.length;
    }
    grid.canvas.getContext('2d').putImageData(grid.image, 0, 0);
    view.map = { version: grid.meta.version, navigation: body.navigation, peers: body.peers || [] };
    view.mapAtMs = Date.now();
    drawSoon();
  } catch (error) {
    if (error.status !== 503) setText('map-note', 'map: ' + error.message);
  } finally {
    setTimeout(pollMap, MAP_POLL_MS);
  }
}
async function pollScan() {
  try {
    view.scan = await getJson('/api/v1/scan');
    view.scanAtMs = Date.now();
    drawSoon();
  } catch (error) {
    if (error.status !== 503) setText('map-note', 'scan: ' + error.message);
  } finally {
    setTimeout(pollScan, SCAN_POLL_MS);
  }
}

let drawTimer = null;
let lastDrawMs = 0;
function drawSoon() {
  if (drawTimer) return;
  drawTimer = setTimeout(() => { drawTimer = null; lastDrawMs = Date.now(); requestAnimationFrame(drawMap); }, Math.max(0, DRAW_MIN_MS - (Date.now() - lastDrawMs)));
}
let zoomM = 8;
$('zoom-in').addEventListener('click', () => { zoomM = Math.max(2, zoomM / 1.5); drawSoon(); });
$('zoom-out').addEventListener('click', () => { zoomM = Math.min(80, zoomM * 1.5); drawSoon(); });

// The area the reflex's swept-area check looked at for the command in force at its latest evaluation
// (the status's sweptArea: convex polygons in the robot frame where the robot stood then), filled as one path.
function drawSweptArea(ctx, area, at) {
  ctx.save(); ctx.translate(at.xM, at.yM); ctx.rotate(at.yawRad);
  ctx.beginPath();
  for (const polygon of area.polygons) {
    if (polygon.length < 3) continue;
    ctx.moveTo(polygon[0].xM, polygon[0].yM);
    for (const p of polygon.slice(1)) ctx.lineTo(p.xM, p.yM);
    ctx.closePath();
  }
  ctx.fillStyle = '#fdd83566'; ctx.fill('nonzero');
  ctx.restore();
}
function sweptNote(area) {
  if (!area) return 'swept area: none checked (no command moving the robot)';
  return 'swept area checked by the reflex: ' + (area.kind === 'corridor' ? 'straight corridor' : 'path of the grown footprint') +
    ', look-ahead ' + fixed(area.lookAheadM, 2) + ' m of wheel travel, for ' + fixed(area.vMps, 2) + ' m/s, ' + fixed(area.wRadps, 2) + ' rad/s';
}

function drawMap() {
  const canvas = $('map');
  const cssW = canvas.clientWidth || 600;
  const cssH = Math.round(cssW * 0.66);
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(cssW * dpr)) { canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr); }
  canvas.style.height = cssH + 'px';
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const s = view.status;
  const pose = s && s.pose;
  const centre = pose || (grid.meta ? { xM: grid.meta.origin.xM + grid.meta.widthCells * grid.meta.resolutionM / 2, yM: grid.meta.origin.yM + grid.meta.heightCells * grid.meta.resolutionM / 2 } : { xM: 0, yM: 0 });
  const scale = canvas.width / zoomM; // pixels per metre
  // World (x east, y north) to canvas pixels, the robot in the middle.
  ctx.setTransform(scale, 0, 0, -scale, canvas.width / 2 - centre.xM * scale, canvas.height / 2 + centre.yM * scale);
  const px = 1 / scale;
  const drawn = { mapVersion: null, scanPoints: 0, pathPoints: 0, peers: 0, geofence: false, swept: false, pose: null, footprint: false };
  if (grid.meta) {
    const g = grid.meta;
    ctx.save();
    ctx.translate(g.origin.xM, g.origin.yM);
    ctx.rotate(g.origin.yawRad);
    ctx.scale(g.resolutionM, -g.resolutionM);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(grid.canvas, 0, -g.heightCells);
    ctx.restore();
    drawn.mapVersion = g.version;
  }
  const line = (points, colour, width, close) => {
    if (points.length < 2) return;
    ctx.beginPath();
    ctx.moveTo(points[0].xM, points[0].yM);
    for (const p of points.slice(1)) ctx.lineTo(p.xM, p.yM);
    if (close) ctx.closePath();
    ctx.strokeStyle = colour; ctx.lineWidth = width * px; ctx.stroke();
  };
  if (s && s.site && s.site.geofence) { ctx.setLineDash([6 * px, 4 * px]); line(s.site.geofence, '#ef6c00', 2, true); ctx.setLineDash([]); drawn.geofence = true; }
  const nav = view.map && view.map.navigation;
  if (nav && nav.path.length > 0) { line((pose ? [pose] : []).concat(nav.path), '#1e88e5', 2, false); drawn.pathPoints = nav.path.length; }
  for (const peer of (view.map && view.map.peers) || []) {
    if (!peer.state) continue;
    const p = peer.state.pose;
    ctx.beginPath(); ctx.arc(p.xM, p.yM, peer.state.footprintRadiusM || 0.2, 0, 2 * Math.PI);
    ctx.fillStyle = peer.stale ? '#8886' : '#8e24aa88'; ctx.fill();
    ctx.save(); ctx.translate(p.xM, p.yM); ctx.scale(px, -px); ctx.fillStyle = '#8e24aa'; ctx.font = '12px system-ui'; ctx.fillText(peer.id + (peer.stale ? ' (stale)' : ''), 8, -8); ctx.restore();
    drawn.peers += 1;
  }
  const box = (p, halfL, halfW, colour, fill) => {
    ctx.save(); ctx.translate(p.xM, p.yM); ctx.rotate(p.yawRad);
    if (fill) { ctx.fillStyle = colour; ctx.fillRect(-halfL, -halfW, 2 * halfL, 2 * halfW); }
    else { ctx.strokeStyle = colour; ctx.lineWidth = 2 * px; ctx.strokeRect(-halfL, -halfW, 2 * halfL, 2 * halfW); }
    ctx.restore();
  };
  const area = s ? s.sweptArea || null : null;
  const areaAt = area && (area.pose || pose);
  if (area && areaAt && area.polygons.length > 0) {
    drawSweptArea(ctx, area, areaAt);
    drawn.swept = true;
    drawn.sweptPolygons = area.polygons.length;
    drawn.sweptStampUs = area.stampUs;
    drawn.sweptKind = area.kind;
  }
  if (s) setText('swept-note', sweptNote(area));
  if (pose && view.scan) {
    const c = Math.cos(pose.yawRad), sn = Math.sin(pose.yawRad);
    ctx.fillStyle = '#e53935';
    const dot = 3 * px;
    for (const q of view.scan.points) ctx.fillRect(pose.xM + c * q.xM - sn * q.yM - dot / 2, pose.yM + sn * q.xM + c * q.yM - dot / 2, dot, dot);
    drawn.scanPoints = view.scan.points.length;
    drawn.scanStampUs = view.scan.stampUs;
  }
  if (pose) {
    const fp = (s.site && s.site.footprint) || { lengthM: 0.3, widthM: 0.24 };
    const quality = nav ? nav.quality : null;
    const colour = !nav || nav.localisation === 'ok' ? '#2e7d32' : nav.localisation === 'lost' ? '#c62828' : '#ef6c00';
    box(pose, fp.lengthM / 2, fp.widthM / 2, colour, false);
    ctx.beginPath(); ctx.moveTo(pose.xM, pose.yM);
    ctx.lineTo(pose.xM + Math.cos(pose.yawRad) * fp.lengthM * 0.8, pose.yM + Math.sin(pose.yawRad) * fp.lengthM * 0.8);
    ctx.strokeStyle = colour; ctx.lineWidth = 2 * px; ctx.stroke();
    // Pose uncertainty drawn as a ring that grows as the scan match quality falls.
    if (quality !== null) { ctx.beginPath(); ctx.arc(pose.xM, pose.yM, Math.max(fp.lengthM, fp.widthM) * (0.6 + (1 - quality)), 0, 2 * Math.PI); ctx.strokeStyle = colour + '88'; ctx.lineWidth = 1 * px; ctx.stroke(); }
    drawn.pose = { xM: pose.xM, yM: pose.yM, yawRad: pose.yawRad };
    drawn.footprint = true;
    setText('loc', nav ? 'localisation ' + nav.localisation + ', quality ' + (quality === null ? '-' : fixed(quality, 2)) : 'localisation unknown', nav ? nav.localisation : '');
  }
  // A scale bar, in screen pixels.
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#888'; ctx.fillRect(10 * dpr, canvas.height - 12 * dpr, scale, 3 * dpr);
  ctx.font = (11 * dpr) + 'px system-ui'; ctx.fillText('1 m', 10 * dpr, canvas.height - 16 * dpr);
  view.frames += 1;
  view.drawn = drawn;
}
window.addEventListener('resize', drawSoon);

// ---- events, black box, live log ----
function eventText(e) {
  switch (e.kind) {
    case 'reflex-trip': return 'reflex trip ' + e.rule + ': ' + e.reason;
    case 'operator-estop': return 'e-stop by ' + who(e.by) + ': ' + e.reason;
    case 'operator-reset': return 'reset by ' + who(e.by) + ', cleared ' + (e.cleared.join(', ') || 'nothing') + (e.stillActive.length ? ', still active ' + e.stillActive.join(', ') : '');
    case 'override': return 'override ' + e.phase + ' by ' + who(e.by) + ' (' + fixed(e.vMps, 2) + ' m/s, ' + fixed(e.wRadps, 2) + ' rad/s)' + (e.endReason ? ': ' + e.endReason : '');
    case 'mission': return 'mission ' + (e.id || e.mission) + ': ' + (e.from ? e.from + ' -> ' : '') + e.state + (e.reason ? ' (' + e.reason + ')' : '');
    case 'device-health': return e.device + ': ' + e.from + ' -> ' + e.to + (e.reason ? ' (' + e.reason + ')' : '');
    default: {
      const { seq: _s, atUs: _a, kind, ...rest } = e;
      return kind + ' ' + JSON.stringify(rest).slice(0, 160);
    }
  }
}
function logLine(wallMs, text, approx) {
  const li = document.createElement('li');
  li.textContent = (approx ? '~' : '') + clock(wallMs) + ' ' + text;
  return li;
}
async function pollEvents() {
  try {
    const body = await getJson('/api/v1/events?since=' + view.lastSeq);
    if (body.events.length) {
      view.events = view.events.concat(body.events).slice(-500);
      view.lastSeq = body.events[body.events.length - 1].seq;
      $('events').replaceChildren(...view.events.slice(-200).reverse().map((e) => logLine(wallOfClockUs(e.atUs), '#' + e.seq + ' ' + eventText(e), true)));
      const trip = [...view.events].reverse().find((e) => e.kind === 'reflex-trip' && Array.isArray(e.blackBox));
      if (trip) drawBlackBox(trip);
      renderOperatorState();
    }
    view.eventsAtMs = Date.now();
  } catch (error) {
    setText('events-note', 'events: ' + error.message);
  } finally {
    setTimeout(pollEvents, EVENTS_POLL_MS);
  }
}
function drawBlackBox(trip) {
  setText('trip-explain', clock(wallOfClockUs(trip.atUs)) + ' ' + trip.rule + ': ' + trip.reason);
  const box = trip.blackBox;
  const canvas = $('blackbox');
  const dpr = window.devicePixelRatio || 1;
  const W = (canvas.clientWidth || 320) * dpr, H = 160 * dpr;
  canvas.width = W; canvas.height = H; canvas.style.height = '160px';
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, W, H);
  if (box.length < 2) return;
  const t1 = box[box.length - 1].tUs, t0 = Math.max(box[0].tUs, t1 - 2e6);
  const vMax = 1.25 * Math.max(0.1, ...box.map((b) => Math.max(Math.abs(b.cmdVMps), Math.abs(b.appliedVMps))));
  const seen = box.some((b) => b.aheadFreeM !== null);
  const dMax = 1.25 * Math.max(0.5, ...box.map((b) => (b.aheadFreeM === null ? 0 : b.aheadFreeM)));
  const X = (t) => ((t - t0) / Math.max(1, t1 - t0)) * (W - 10 * dpr) + 5 * dpr;
  const series = (value, max, colour) => {
    ctx.beginPath(); let pen = false;
    for (const b of box) {
      if (b.tUs < t0) continue;
      const v = value(b);
      if (v === null) { pen = false; continue; }
      const y = H - 4 * dpr - (Math.max(0, v) / max) * (H - 22 * dpr);
      if (pen) ctx.lineTo(X(b.tUs), y); else ctx.moveTo(X(b.tUs), y);
      pen = true;
    }
    ctx.strokeStyle = colour; ctx.lineWidth = 2 * dpr; ctx.stroke();
  };
  ctx.fillStyle = '#8884'; ctx.fillRect(0, H - 4 * dpr, W, 1 * dpr);
  ctx.setLineDash([6 * dpr, 4 * dpr]);
  series((b) => b.cmdVMps, vMax, '#1e88e5');
  ctx.setLineDash([]);
  series((b) => b.appliedVMps, vMax, '#2e7d32');
  series((b) => b.aheadFreeM, dMax, '#e53935');
  ctx.fillStyle = '#888'; ctx.font = (11 * dpr) + 'px system-ui';
  ctx.fillText('speed 0..' + vMax.toFixed(2) + ' m/s, obstacle 0..' + dMax.toFixed(2) + ' m' + (seen ? '' : ' (none seen ahead)') + '; last ' + ((t1 - t0) / 1e6).toFixed(1) + ' s', 5 * dpr, 12 * dpr);
  view.blackBox = { seq: trip.seq, entries: box.length };
}
function followLogs() {
  const token = $('token').value.trim();
  const source = new EventSource('/api/v1/logs' + (token ? '?token=' + encodeURIComponent(token) : ''));
  source.addEventListener('log', (m) => {
    try {
      const e = JSON.parse(m.data);
      const list = $('live-log');
      list.prepend(logLine(Date.now(), '#' + e.seq + ' ' + eventText(e), false));
      while (list.childElementCount > 200) list.lastElementChild.remove();
    } catch (error) { /* a malformed line is skipped */ }
  });
}

// ---- operator ----
async function post(path, body) {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeader() }, body: JSON.stringify(body || {}) });
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
const estop = () => post('/api/v1/estop', { reason: 'e-stop from the web page' });
$('estop').addEventListener('click', estop);
$('reset').addEventListener('click', () => {
  const s = view.status;
  const latched = s && s.reflex.state === 'estop';
  setText('reset-what', (latched ? 'This clears the latched e-stop (' + (s.reflex.rule || 'e-stop') + ': ' + (s.reflex.reason || '') + ')' :
    'Nothing is latched now; reset clears any latched stop') + '. A stop whose cause is still there (a pressed button, an obstacle) stays. ' +
    'The robot may then move: the mission ' + (s ? '"' + (s.mission.id || s.mission.kind) + '" (' + s.mission.state + ')' : '') + ' resumes by itself.');
  $('reset-dialog').showModal();
});
$('reset-confirm').addEventListener('click', () => { $('reset-dialog').close(); post('/api/v1/estop/reset'); });
$('reset-cancel').addEventListener('click', () => $('reset-dialog').close());

let driving = null;
function drive(source, v, w) {
  stop();
  const cmd = { vMps: v * Number($('drive-speed').value), wRadps: w * Number($('drive-turn').value) };
  const send = () => post('/api/v1/override', cmd);
  if (source.classList) source.classList.add('held');
  driving = { source, timer: setInterval(send, OVERRIDE_PERIOD_MS) };
  send();
  renderOperatorState();
}
function stop() {
  if (!driving) return;
  clearInterval(driving.timer);
  if (driving.source.classList) driving.source.classList.remove('held');
  driving = null;
  post('/api/v1/override', { vMps: 0, wRadps: 0 });
  renderOperatorState();
}
for (const button of document.querySelectorAll('.pad button[data-v]')) {
  button.addEventListener('pointerdown', (e) => { e.preventDefault(); button.setPointerCapture(e.pointerId); drive(button, Number(button.dataset.v), Number(button.dataset.w)); });
  button.addEventListener('pointerup', stop);
  button.addEventListener('pointercancel', stop);
  button.addEventListener('lostpointercapture', stop);
}
// Keys: arrows or WASD drive while held, Space or Escape is the e-stop.
const KEYS = { ArrowUp: [1, 0], KeyW: [1, 0], ArrowDown: [-1, 0], KeyS: [-1, 0], ArrowLeft: [0, 1], KeyA: [0, 1], ArrowRight: [0, -1], KeyD: [0, -1] };
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return;
  if (e.code === 'Space' || e.code === 'Escape') { e.preventDefault(); estop(); stop(); return; }
  const k = KEYS[e.code];
  if (!k) return;
  e.preventDefault();
  if (e.repeat || (driving && driving.source.key === e.code)) return;
  drive({ key: e.code }, k[0], k[1]);
});
document.addEventListener('keyup', (e) => { if (driving && driving.source.key === e.code) stop(); });
window.addEventListener('blur', stop);
document.addEventListener('visibilitychange', () => { if (document.hidden) stop(); });
window.addEventListener('pagehide', stop);
pollStatus();
pollMap();
pollScan();
pollEvents();
followLogs();
`;

const BODY = `
<header>
  <h1>spinal <span id="robot">-</span></h1>
  <span id="link">connecting...</span>
  <span id="override-state">no manual override</span>
  <span><button id="estop" type="button" title="Space or Escape">E-STOP</button> <button id="reset" type="button">Reset...</button></span>
</header>
<div id="estop-state" class="banner">-</div>
<label>Bearer token (only needed beyond loopback) <input id="token" type="password" autocomplete="off" size="24"></label>
<div id="answer"></div>
<dialog id="reset-dialog">
  <p><strong>Reset the e-stop?</strong></p>
  <p id="reset-what">-</p>
  <button id="reset-confirm" type="button">Reset and let the mission resume</button> <button id="reset-cancel" type="button">Cancel</button>
</dialog>
<main>
  <section class="wide"><h2>Map <span class="age" id="age-map">-</span></h2>
    <canvas id="map" aria-label="map around the robot"></canvas>
    <div class="legend"><span id="loc">-</span>. Grid: black occupied, white free, clear unknown; blue path; red dots the
    latest lidar scan; green box the footprint (ring: pose uncertainty, wider as the scan match is worse); yellow the
    swept area the reflex checked at its latest evaluation, as the reflex itself reports it (the footprint grown by the
    stop and side margins along the command's look-ahead: an obstacle there slows or stops the robot); orange dashes the
    geofence; purple the peers. <span id="swept-note"></span>
    <button id="zoom-in" type="button">+</button> <button id="zoom-out" type="button">-</button> <span id="map-note"></span></div>
  </section>
  <section><h2>Robot <span class="age" id="age-status">-</span></h2><dl>
    <dt>Mode</dt><dd id="mode">-</dd>
    <dt>Clock</dt><dd id="clock">-</dd>
    <dt>Pose</dt><dd id="pose">-</dd>
    <dt>Speed</dt><dd id="speed">-</dd>
    <dt>Nearest obstacle</dt><dd id="nearest">-</dd>
  </dl></section>
  <section><h2>Mission <span class="age" id="age-mission">-</span></h2><dl>
    <dt>Mission</dt><dd id="mission">-</dd>
    <dt>Progress</dt><dd><progress id="mission-bar" max="1" value="0"></progress> <span id="mission-progress">-</span></dd>
    <dt>Goal</dt><dd id="mission-goal">-</dd>
    <dt>Time left</dt><dd id="mission-eta">-</dd>
  </dl></section>
  <section><h2>Reflex <span class="age" id="age-reflex">-</span></h2><dl>
    <dt>State</dt><dd id="reflex-state">-</dd>
    <dt>Rule</dt><dd id="reflex-rule">-</dd>
    <dt>Reason</dt><dd id="reflex-reason">-</dd>
    <dt>Trips</dt><dd id="reflex-trips">-</dd>
    <dt>Last trip</dt><dd id="reflex-last">-</dd>
    <dt>Braking</dt><dd id="reflex-braking">-</dd>
  </dl>
  <h2>Last trip's black box</h2>
  <div id="trip-explain" class="legend">no trip yet</div>
  <canvas id="blackbox" aria-label="black box of the last trip"></canvas>
  <div class="legend">Blue dashes: command (m/s); green: given to the motors (m/s); red: free distance ahead, from the footprint's front edge (m).</div>
  </section>
  <section><h2>Manual drive (hold) <span class="age" id="age-loop">-</span></h2>
    <label>Speed <input id="drive-speed" type="number" value="0.2" min="0" max="1" step="0.05"> m/s</label>
    <label>Turn <input id="drive-turn" type="number" value="0.6" min="0" max="3" step="0.1"> rad/s</label>
    <div class="pad">
      <span></span><button type="button" data-v="1" data-w="0" title="forward (Up or W)">&#9650;</button><span></span>
      <button type="button" data-v="0" data-w="1" title="turn left (Left or A)">&#9664;</button><span></span>
      <button type="button" data-v="0" data-w="-1" title="turn right (Right or D)">&#9654;</button>
      <span></span><button type="button" data-v="-1" data-w="0" title="back (Down or S)">&#9660;</button><span></span>
    </div>
    <div class="legend">Hold a button or an arrow key; the robot stops when it is released or this page loses focus.</div>
    <h2>Loop</h2><dl>
    <dt>Rate</dt><dd id="loop-rate">-</dd>
    <dt>Duration</dt><dd id="loop-duration">-</dd>
    <dt>Lateness p99</dt><dd id="loop-lateness">-</dd>
    <dt>Deadline misses</dt><dd id="loop-misses">-</dd>
  </dl></section>
  <section class="wide"><h2>Devices <span class="age" id="age-devices">-</span></h2><table>
    <colgroup><col style="width: 30%"><col style="width: 22%"><col></colgroup>
    <thead><tr><th>Device</th><th>Health</th><th>Readings and counters</th></tr></thead>
    <tbody id="devices"></tbody>
  </table></section>
  <section><h2>Parameters in force (read-only) <span class="age" id="config-version"></span></h2><table>
    <colgroup><col style="width: 60%"><col></colgroup>
    <tbody id="params"></tbody>
  </table></section>
  <section><h2>Event log <span class="age" id="age-events">-</span></h2>
    <div class="legend">Newest first; ~ marks a wall-clock time worked out from the robot's clock. <span id="events-note"></span></div>
    <ul class="log" id="events"></ul>
  </section>
  <section><h2>Live log</h2>
    <div class="legend">As it arrives, wall-clock time of arrival.</div>
    <ul class="log" id="live-log"></ul>
  </section>
</main>
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
