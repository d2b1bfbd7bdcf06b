import { afterEach, describe, expect, it } from 'vitest';
import { tempLedgers } from '../../test/harness/temp-ledger.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import { Ledger, type LedgerInput } from './ledger.js';
import type { TelemetryInput } from './telemetry-table.js';

const ledgers = tempLedgers();
afterEach(() => ledgers.cleanUp());

const health = (n: number): LedgerInput => ({
  body: { kind: 'device-health', device: 'imu', from: 'ok', to: 'degraded', reason: `read ${n} ${'x'.repeat(200)}` },
  atUs: n,
});
const trip = (reason: string): LedgerInput => ({
  body: { kind: 'reflex-trip', rule: 'obstacle', reason, blackBox: [] },
  atUs: 1,
});
/** A recorded scan-sized row, `n` in its first bytes so that rows can be told apart. */
const row = (n: number, wallMs = 0): TelemetryInput => {
  const payload = new Uint8Array(1_000);
  new DataView(payload.buffer).setUint32(0, n, true);
  return { topic: 'scan', atUs: n * 1000, wallMs, payload };
};
const rowsIn = (ledger: Ledger): number[] =>
  (ledger.db.prepare('SELECT payload FROM telemetry ORDER BY id').pluck().all() as Buffer[]).map((b) =>
    b.readUInt32LE(0),
  );
const noticesOf = (events: RuntimeEvent[]): string[] =>
  events.map((e) => (e.kind === 'ledger-notice' ? e.notice : e.kind));

describe("the ledger's recorded telemetry", () => {
  it('GIVEN a size cap WHEN more is recorded THEN the oldest rows go and the table stays under the cap, events untouched', () => {
    const base = ledgers.settings();
    const ledger = Ledger.open({ ...base, telemetry: { ...base.telemetry, maxBytes: 50_000 } }, 'boot-1');
    ledger.append([health(1), health(2)]);
    for (let n = 0; n < 200; n += 10) {
      ledger.appendTelemetry(Array.from({ length: 10 }, (_, i) => row(n + i)));
      expect(ledger.stats().telemetryBytes).toBeLessThanOrEqual(50_000);
    }
    const kept = rowsIn(ledger);
    expect(kept.at(-1)).toBe(199);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 200 - kept.length + i));
    expect(kept.length).toBeGreaterThanOrEqual(40);
    expect(ledger.stats()).toMatchObject({
      events: 2,
      telemetryRows: kept.length,
      telemetryDropped: 200 - kept.length,
    });
    ledger.close();
  });

  it('GIVEN an age limit WHEN expired THEN rows older than it go, and events of no age limit stay', () => {
    let nowMs = 10 * 3_600_000;
    const base = ledgers.settings({ maxAgeMs: 0 });
    const ledger = Ledger.open({ ...base, telemetry: { ...base.telemetry, maxAgeMs: 3_600_000 } }, 'boot-1', {
      nowWallMs: () => nowMs,
    });
    ledger.append([health(1)]);
    ledger.appendTelemetry([row(1, nowMs - 2 * 3_600_000), row(2, nowMs - 1_800_000), row(3, nowMs)]);
    nowMs += 60_000;
    ledger.expire();
    expect(rowsIn(ledger)).toEqual([2, 3]);
    expect(ledger.stats()).toMatchObject({ events: 1, telemetryRows: 2, telemetryBytes: 2_000 });
    ledger.close();
  });

  it('GIVEN a disk that fills up WHEN telemetry is recorded THEN recorded telemetry is dropped first, no event is lost, telemetry is refused until there is room again', () => {
    let freeDisk = 0;
    const ledger = Ledger.open(ledgers.settings(), 'boot-1', { freeDiskBytes: () => freeDisk });
    ledger.append([trip('before'), ...Array.from({ length: 50 }, (_, i) => health(i))]);
    for (let n = 0; n < 400; n += 20) ledger.appendTelemetry(Array.from({ length: 20 }, (_, i) => row(n + i)));
    const before = ledger.stats();
    expect(before.telemetryRows).toBe(400);
    const pages = ledger.db.pragma('page_count', { simple: true }) as number;
    ledger.db.pragma(`max_page_count = ${pages}`);
    // WHEN rows are recorded until the disk is full
    let full = ledger.appendTelemetry([row(1_000)]);
    for (let n = 1_001; full.written > 0 && n < 2_000; n++) full = ledger.appendTelemetry([row(n)]);
    // THEN the ledger says so once, and made room from the recorded telemetry, the oldest first
    expect(full.written).toBe(0);
    expect(noticesOf(full.notices)).toEqual(['disk-full']);
    const during = ledger.stats();
    expect(during.diskFull).toBe(true);
    expect(during.telemetryDropped).toBeGreaterThan(0);
    expect(rowsIn(ledger)[0]).toBe(during.telemetryDropped);
    // AND every event is still there: the health events were not needed to make room
    expect(during.events).toBe(before.events + 1);
    expect(during.dropped).toBe(0);
    // AND while the disk is full telemetry is refused, safety events still written
    expect(ledger.appendTelemetry([row(5_000)]).written).toBe(0);
    expect(ledger.stats().telemetryRefused).toBeGreaterThanOrEqual(2);
    expect(ledger.append([trip('during')]).results[0]?.ok).toBe(true);
    // WHEN there is room again THEN telemetry is recorded again, with a disk-ok notice
    ledger.db.pragma(`max_page_count = ${pages * 100}`);
    freeDisk = 1e9;
    const again = ledger.appendTelemetry([row(6_000)]);
    expect(again.written).toBe(1);
    expect(noticesOf(again.notices)).toEqual(['disk-ok']);
    expect(rowsIn(ledger).at(-1)).toBe(6_000);
    const trips = ledger.since(0, 1e9).filter((e) => e.kind === 'reflex-trip');
    expect(trips.map((e) => e.kind === 'reflex-trip' && e.reason)).toEqual(['before', 'during']);
    ledger.close();
  });
});
