import type { ReflexStatus } from '../../messages/runtime-status.js';
import type { RequestCount, RequestCounts, Route } from './routes.js';
import type { StatusSnapshot, StatusStore } from './status-store.js';

/**
 * `GET /metrics` in the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): one
 * `# HELP` and one `# TYPE` line per family, then its samples; label values escape `\`, `"` and
 * newline. Everything comes from the latest status snapshot and the request counters, so a scrape
 * never waits on the main thread.
 */

/** The `content-type` of the text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Every state the reflex reports, each one a `spinal_reflex_state` series (1 for the current one). */
const REFLEX_STATES: readonly ReflexStatus['state'][] = ['clear', 'limited', 'slow', 'stopped', 'estop'];

type MetricType = 'counter' | 'gauge';

interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** One metric family: its name, help, type and samples. */
export interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** What one scrape shows. */
export interface MetricsInput {
  /** The latest runtime snapshot, or null before the first one (then only `spinal_up` and the request counters). */
  snapshot: StatusSnapshot | null;
  /** Requests answered so far, by route and status. */
  requests: readonly RequestCount[];
  /** Families of the thread's other parts (the ledger, the uplink). */
  extra?: readonly Family[];
}

/** Escapes a label value: backslash, double quote and line feed (format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and line feed (format 0.0.4). */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as the format writes it: `NaN`, `+Inf`, `-Inf` or a Go-style float. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function renderFamily(family: Family): string {
  if (family.samples.length === 0) return '';
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    const labels = Object.entries(sample.labels ?? {});
    const labelText =
      labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
    lines.push(`${family.name}${labelText} ${formatSampleValue(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function statusFamilies(snapshot: StatusSnapshot): Family[] {
  const { status } = snapshot;
  const { reflex, loop } = status;
  const families: Family[] = [
    {
      name: 'spinal_status_age_seconds',
      help: 'Time since the main thread last published a status snapshot, seconds.',
      type: 'gauge',
      samples: [{ value: snapshot.ageMs / 1_000 }],
    },
    {
      name: 'spinal_reflex_trips_total',
      help: 'Stops the reflex has imposed since start.',
      type: 'counter',
      samples: [{ value: reflex.trips }],
    },
    {
      name: 'spinal_reflex_state',
      help: 'The reflex state: 1 for the current one, 0 for the others.',
      type: 'gauge',
      samples: REFLEX_STATES.map((state) => ({ labels: { state }, value: state === reflex.state ? 1 : 0 })),
    },
    {
      name: 'spinal_reflex_braking_decel_mps2',
      help: 'Deceleration the stopping model assumes, the one the wheel encoders measured during real stops, and the one in use (the smaller), m/s².',
      type: 'gauge',
      samples: reflex.braking
        ? [
            { labels: { kind: 'assumed' }, value: reflex.braking.assumedMps2 },
            ...(reflex.braking.observedMps2 === null
              ? []
              : [{ labels: { kind: 'observed' }, value: reflex.braking.observedMps2 }]),
            { labels: { kind: 'used' }, value: reflex.braking.usedMps2 },
          ]
        : [],
    },
    {
      name: 'spinal_loop_ticks_total',
      help: 'Reflex loop iterations since start.',
      type: 'counter',
      samples: [{ value: loop.ticks }],
    },
    {
      name: 'spinal_loop_deadline_misses_total',
      help: 'Reflex loop iterations that missed their deadline.',
      type: 'counter',
      samples: [{ value: loop.deadlineMisses }],
    },
    {
      name: 'spinal_loop_lateness_p99_seconds',
      help: '99th percentile of how late reflex loop iterations started over the recent window, seconds.',
      type: 'gauge',
      samples: [{ value: loop.latenessP99Us / 1e6 }],
    },
    {
      name: 'spinal_loop_duration_max_seconds',
      help: 'Longest reflex loop iteration, seconds.',
      type: 'gauge',
      samples: [{ value: loop.maxDurationUs / 1e6 }],
    },
    {
      name: 'spinal_device_health',
      help: 'Device health: one series per device, labelled with its current state, value 1.',
      type: 'gauge',
      samples: status.devices.map((d) => ({
        labels: { device: d.id, compatible: d.compatible, state: d.health.state },
        value: 1,
      })),
    },
    {
      name: 'spinal_device_counter_total',
      help: 'Device counters (packets, errors, retries, ...) as each driver counts them.',
      type: 'counter',
      samples: status.devices.flatMap((d) =>
        Object.entries(d.counters).map(([counter, value]) => ({ labels: { device: d.id, counter }, value })),
      ),
    },
    {
      name: 'spinal_speed_mps',
      help: 'Forward speed, metres per second.',
      type: 'gauge',
      samples: [{ value: status.speed.vMps }],
    },
    {
      name: 'spinal_nearest_obstacle_meters',
      help: 'Nearest lidar return in the robot frame, metres (absent before any data).',
      type: 'gauge',
      samples: status.nearestObstacleM === null ? [] : [{ value: status.nearestObstacleM }],
    },
  ];
  return families;
}

/** Renders one scrape of `GET /metrics`; every line ends with a line feed. */
export function renderMetrics(input: MetricsInput): string {
  const families: Family[] = [
    { name: 'spinal_up', help: 'Always 1 while the runtime answers.', type: 'gauge', samples: [{ value: 1 }] },
    ...(input.snapshot ? statusFamilies(input.snapshot) : []),
    {
      name: 'spinal_http_requests_total',
      help: 'Debug port requests answered, by route and status code.',
      type: 'counter',
      samples: [...input.requests]
        .sort((a, b) => (a.route === b.route ? a.status - b.status : a.route < b.route ? -1 : 1))
        .map((row) => ({
          labels: { route: row.route, status: String(row.status) },
          value: row.count,
        })),
    },
    ...(input.extra ?? []),
  ];
  return families.map(renderFamily).join('');
}

/** The `GET /metrics` route, rendering from `store` and `requests` at each scrape. */
export function metricsRoutes(
  store: StatusStore,
  requests: RequestCounts,
  extra: () => readonly Family[] = () => [],
): Route[] {
  return [
    {
      method: 'GET',
      path: '/metrics',
      mutating: false,
      handle: () => ({
        status: 200,
        contentType: METRICS_CONTENT_TYPE,
        text: renderMetrics({ snapshot: store.latest(), requests: requests.rows(), extra: extra() }),
      }),
    },
  ];
}
