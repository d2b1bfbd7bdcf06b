// What every part of the ledger bench writes: ledger settings (the `batch` durability policy, no
// size or age cap) and the events themselves, made one batch at a time so that no part holds more
// than one batch of its own objects.
import type { LedgerInput } from '../../comms/ledger/ledger.js';
import { encodeTelemetry } from '../../comms/ledger/telemetry-payloads.js';
import type { TelemetryInput } from '../../comms/ledger/telemetry-table.js';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import { telemetrySettingsFromParams } from '../../comms/ledger/telemetry-settings.js';
import { resolveParams } from '../../config/param-values.js';

const MB = 1024 * 1024;

/** Ledger settings for a bench file at `path` (`:memory:` for none). */
export function benchLedgerSettings(path: string): LedgerSettings {
  return {
    path,
    durability: { kind: 'batch' },
    maxBatch: 2_000,
    maxBytes: 64 * 1024 * MB,
    maxAgeMs: 0,
    reserveBytes: 0,
    telemetry: { ...telemetrySettingsFromParams(resolveParams({})), maxBytes: 64 * 1024 * MB, maxAgeMs: 0 },
  };
}

/** The `n`th bench event: a device-health change, about 90 bytes of payload. */
export function benchEvent(n: number): LedgerInput {
  return {
    body: {
      kind: 'device-health',
      device: 'imu',
      from: 'ok',
      to: n % 2 ? 'degraded' : 'ok',
      reason: `read ${n} failed`,
    },
    atUs: n,
  };
}

/** Events `from` .. `from + count - 1`. */
export function benchBatch(from: number, count: number): LedgerInput[] {
  return Array.from({ length: count }, (_, i) => benchEvent(from + i));
}

/** One second of telemetry as the recorder writes it at the default rates: five poses, two 360-beam scans, a reflex state. */
export function benchTelemetrySecond(n: number): TelemetryInput[] {
  const atUs = n * 1000;
  const pose = (i: number): TelemetryInput => ({
    topic: 'pose',
    atUs: atUs + i * 200_000,
    wallMs: 0,
    payload: encodeTelemetry('pose', {
      pose: { xM: i, yM: 1, yawRad: 0.5 },
      speed: { vMps: 0.4, wRadps: 0 },
      command: { vMps: 0.4, wRadps: 0, source: 'cortex' },
      localisation: 'ok',
      quality: 0.8,
    }),
  });
  const ranges = Array.from({ length: 360 }, (_, i) => 1 + (i % 50) / 10);
  const scan = (i: number): TelemetryInput => ({
    topic: 'scan',
    atUs: atUs + i * 500_000,
    wallMs: 0,
    payload: encodeTelemetry('scan', {
      stampUs: 0,
      originXM: 0.1,
      originYM: 0,
      ranges,
      intensities: ranges.map(() => 200),
    }),
  });
  const reflex: TelemetryInput = {
    topic: 'reflex',
    atUs,
    wallMs: 0,
    payload: encodeTelemetry('reflex', {
      reflex: { state: 'clear', rule: '', reason: '', lastTrip: null, trips: 0 },
      speed: { vMps: 0.4, wRadps: 0 },
      nearestObstacleM: 1.2,
    }),
  };
  return [pose(0), pose(1), pose(2), pose(3), pose(4), scan(0), scan(1), reflex];
}
