import { describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { METRICS_CONTENT_TYPE, escapeLabelValue, formatSampleValue, metricsRoutes, renderMetrics } from './metrics.js';
import { RequestCounts } from './routes.js';
import type { TextResponse } from './routes.js';
import { StatusStore } from './status-store.js';

/** A snapshot as the main thread publishes it: a simulated robot slowed by a box 0.85 m ahead. */
function sampleStatus(): RuntimeStatus {
  return {
    robotId: 'r1',
    board: 'sim',
    mode: 'sim',
    clockS: 12.5,
    uptimeS: 12.5,
    pose: { xM: 1.2, yM: -0.4, yawRad: 0.3 },
    speed: { vMps: 0.4, wRadps: 0.1 },
    mission: { kind: 'goto', state: 'active' },
    nearestObstacleM: 0.85,
    reflex: {
      state: 'limited',
      rule: 'obstacle-near',
      reason: 'obstacle at 0.85 m',
      lastTrip: { rule: 'obstacle-near', reason: 'obstacle at 0.85 m', atUs: 12_400_000 },
      trips: 3,
      braking: { assumedMps2: 0.7, observedMps2: 0.62, usedMps2: 0.62, stopsMeasured: 2 },
    },
    loop: { rateHz: 100, ticks: 1250, lastDurationUs: 90, maxDurationUs: 700, latenessP99Us: 1_200, deadlineMisses: 2 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [
      {
        id: 'lidar0',
        compatible: 'ldrobot,ld06',
        kind: 'lidar',
        health: { state: 'ok', reason: '', sinceUs: 200_000 },
        counters: { packets: 1250, crcErrors: 4 },
      },
      {
        id: 'motors "left\\right"\n',
        compatible: 'waveshare,pca9685-tb6612',
        kind: 'motor',
        health: { state: 'degraded', reason: 'i2c write retried', sinceUs: 9_000_000 },
        counters: { writes: 4000 },
      },
    ],
  };
}

interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Reads label pairs `{a="x",b="y"}` from `text` at `start`, undoing the format's escapes. */
function parseLabels(text: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (text[i] !== '}') {
    const name = NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`bad label name at ${i}: ${text}`);
    i += name.length;
    if (text.slice(i, i + 2) !== '="') throw new Error(`expected =" at ${i}: ${text}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined) throw new Error(`unterminated label value: ${text}`);
      if (c === '"') break;
      if (c === '\n') throw new Error('raw line feed in a label value');
      if (c === '\\') {
        const e = text[i++];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`bad escape \\${e}: ${text}`);
      } else value += c;
    }
    labels[name] = value;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`expected , or } at ${i}: ${text}`);
  }
  return { labels, end: i + 1 };
}

/**
 * A strict reader of the text format 0.0.4, line by line: HELP and TYPE come once per family, before
 * its samples, and every sample belongs to the family whose TYPE came last.
 */
function parseExposition(text: string): Parsed {
  expect(text.endsWith('\n')).toBe(true);
  const parsed: Parsed = { help: new Map(), type: new Map(), samples: [] };
  let family = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const table = kind === 'HELP' ? parsed.help : parsed.type;
      if (table.has(name)) throw new Error(`second ${kind} for ${name}`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(line);
        if (!parsed.help.has(name)) throw new Error(`TYPE before HELP for ${name}`);
        family = name;
      }
      table.set(name, rest);
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const read = parseLabels(rest, 0);
      labels = read.labels;
      rest = rest.slice(read.end);
    }
    const value = /^ (NaN|[+-]Inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(rest)?.[1];
    if (value === undefined) throw new Error(`bad value in ${JSON.stringify(line)}`);
    if (name !== family) throw new Error(`sample ${name} outside its family (last TYPE: ${family})`);
    parsed.samples.push({
      name,
      labels,
      value: value.endsWith('Inf') ? Number(value.replace('Inf', 'Infinity')) : Number(value),
    });
  }
  return parsed;
}

function sample(parsed: Parsed, name: string, labels: Record<string, string> = {}): number | undefined {
  return parsed.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

function render(status: RuntimeStatus | null, requests = new RequestCounts()): Parsed {
  const snapshot = status ? { status, ageMs: 250, stale: false } : null;
  return parseExposition(renderMetrics({ snapshot, requests: requests.rows() }));
}

describe('renderMetrics', () => {
  it('renders every family with HELP and TYPE, in the strict text format', () => {
    const parsed = render(sampleStatus());
    const families = [
      'spinal_up',
      'spinal_status_age_seconds',
      'spinal_reflex_trips_total',
      'spinal_reflex_state',
      'spinal_reflex_braking_decel_mps2',
      'spinal_loop_ticks_total',
      'spinal_loop_deadline_misses_total',
      'spinal_loop_lateness_p99_seconds',
      'spinal_loop_duration_max_seconds',
      'spinal_device_health',
      'spinal_device_counter_total',
      'spinal_speed_mps',
      'spinal_nearest_obstacle_meters',
    ];
    expect([...parsed.type.keys()]).toEqual(families);
    expect(parsed.type.get('spinal_reflex_trips_total')).toBe('counter');
    expect(parsed.type.get('spinal_device_counter_total')).toBe('counter');
    expect(parsed.type.get('spinal_speed_mps')).toBe('gauge');
    for (const name of parsed.type.keys()) expect(parsed.help.get(name)?.length).toBeGreaterThan(0);
  });

  it('gives the status figures in base units', () => {
    const parsed = render(sampleStatus());
    expect(sample(parsed, 'spinal_up')).toBe(1);
    expect(sample(parsed, 'spinal_status_age_seconds')).toBe(0.25);
    expect(sample(parsed, 'spinal_reflex_trips_total')).toBe(3);
    expect(sample(parsed, 'spinal_reflex_braking_decel_mps2', { kind: 'observed' })).toBe(0.62);
    expect(sample(parsed, 'spinal_reflex_braking_decel_mps2', { kind: 'used' })).toBe(0.62);
    expect(sample(parsed, 'spinal_loop_ticks_total')).toBe(1250);
    expect(sample(parsed, 'spinal_loop_deadline_misses_total')).toBe(2);
    expect(sample(parsed, 'spinal_loop_lateness_p99_seconds')).toBe(0.0012);
    expect(sample(parsed, 'spinal_loop_duration_max_seconds')).toBe(0.0007);
    expect(sample(parsed, 'spinal_speed_mps')).toBe(0.4);
    expect(sample(parsed, 'spinal_nearest_obstacle_meters')).toBe(0.85);
  });

  it('sets 1 on the current reflex state and 0 on the others', () => {
    const parsed = render(sampleStatus());
    const states = parsed.samples.filter((s) => s.name === 'spinal_reflex_state');
    expect(states.map((s) => [s.labels.state, s.value])).toEqual([
      ['clear', 0],
      ['limited', 1],
      ['slow', 0],
      ['stopped', 0],
      ['estop', 0],
    ]);
  });

  it('gives one health series per device and every device counter, escaping label values', () => {
    const parsed = render(sampleStatus());
    const health = parsed.samples.filter((s) => s.name === 'spinal_device_health');
    expect(health).toEqual([
      { name: 'spinal_device_health', labels: { device: 'lidar0', compatible: 'ldrobot,ld06', state: 'ok' }, value: 1 },
      {
        name: 'spinal_device_health',
        labels: { device: 'motors "left\\right"\n', compatible: 'waveshare,pca9685-tb6612', state: 'degraded' },
        value: 1,
      },
    ]);
    expect(sample(parsed, 'spinal_device_counter_total', { device: 'lidar0', counter: 'packets' })).toBe(1250);
    expect(sample(parsed, 'spinal_device_counter_total', { device: 'lidar0', counter: 'crcErrors' })).toBe(4);
    expect(sample(parsed, 'spinal_device_counter_total', { device: 'motors "left\\right"\n', counter: 'writes' })).toBe(
      4000,
    );
  });

  it('counts requests by route and status', () => {
    const requests = new RequestCounts();
    requests.add('/healthz', 200);
    requests.add('/healthz', 200);
    requests.add('/readyz', 503);
    const parsed = render(sampleStatus(), requests);
    expect(parsed.type.get('spinal_http_requests_total')).toBe('counter');
    expect(sample(parsed, 'spinal_http_requests_total', { route: '/healthz', status: '200' })).toBe(2);
    expect(sample(parsed, 'spinal_http_requests_total', { route: '/readyz', status: '503' })).toBe(1);
  });

  it('before the first snapshot shows only spinal_up and the request counters', () => {
    const requests = new RequestCounts();
    requests.add('/metrics', 200);
    const parsed = render(null, requests);
    expect([...parsed.type.keys()]).toEqual(['spinal_up', 'spinal_http_requests_total']);
  });

  it('leaves out the nearest obstacle before any lidar data', () => {
    const parsed = render({ ...sampleStatus(), nearestObstacleM: null });
    expect(parsed.type.has('spinal_nearest_obstacle_meters')).toBe(false);
    expect(parsed.samples.some((s) => s.name === 'spinal_nearest_obstacle_meters')).toBe(false);
  });
});

describe('format details', () => {
  it('escapes backslash, quote and line feed in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('writes special values the way the format names them', () => {
    expect(formatSampleValue(NaN)).toBe('NaN');
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
    expect(formatSampleValue(1e-7)).toBe('1e-7');
  });
});

describe('metricsRoutes', () => {
  it('serves GET /metrics as text 0.0.4 from the store and the counters', async () => {
    const clock = new VirtualClock();
    const store = new StatusStore(clock);
    const requests = new RequestCounts();
    const [route] = metricsRoutes(store, requests);
    store.setStatus(sampleStatus());
    clock.advanceBy(3_000_000);
    requests.add('/api/v1/status', 200);
    const response = (await route!.handle({
      method: 'GET',
      path: '/metrics',
      query: new URLSearchParams(),
      headers: {},
    })) as TextResponse;
    expect(route).toMatchObject({ method: 'GET', path: '/metrics', mutating: false });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe(METRICS_CONTENT_TYPE);
    const parsed = parseExposition(response.text);
    expect(sample(parsed, 'spinal_status_age_seconds')).toBe(3);
    expect(sample(parsed, 'spinal_http_requests_total', { route: '/api/v1/status' })).toBe(1);
  });
});
