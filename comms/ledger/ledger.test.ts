import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLedgers } from '../../test/harness/temp-ledger.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import { Ledger, readRows, type LedgerInput } from './ledger.js';
import { schemaVersionOf, SCHEMA_VERSION } from './ledger-schema.js';
import { openSqlite } from './sqlite-driver.js';

const ledgers = tempLedgers();
afterEach(() => ledgers.cleanUp());
const settings = ledgers.settings;

const trip = (reason: string): LedgerInput => ({
  body: { kind: 'reflex-trip', rule: 'obstacle', reason, blackBox: [] },
  atUs: 1,
});
const mission = (state: string): LedgerInput => ({ body: { kind: 'mission', mission: 'goto', state }, atUs: 2 });
const health = (to: string): LedgerInput => ({
  body: { kind: 'device-health', device: 'imu', from: 'ok', to, reason: 'x'.repeat(200) },
  atUs: 3,
});
/** A telemetry-class event: kinds without a class of their own are telemetry. */
const telemetry = (n: number): LedgerInput => ({
  body: { kind: 'telemetry-sample', n, pad: 'y'.repeat(200) } as unknown as RuntimeEventBody,
  atUs: n,
});

describe('Ledger', () => {
  it('reads back, page after page of any size, every event once and in order, as it was written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        (commits, pageSize) => {
          const ledger = Ledger.open(settings(), 'boot-1');
          let n = 0;
          for (const size of commits) ledger.append(Array.from({ length: size }, () => mission(`s${++n}`)));
          const read: Array<[number, string]> = [];
          for (let after = 0; ;) {
            const page = ledger.rowsSince(after, pageSize);
            if (page.length === 0) break;
            expect(page.length).toBeLessThanOrEqual(pageSize);
            for (const row of page) read.push([row.event.seq, row.event.kind === 'mission' ? row.event.state : '']);
            after = page.at(-1)!.event.seq;
          }
          expect(read).toEqual(Array.from({ length: n }, (_, i) => [i + 1, `s${i + 1}`]));
          expect(readRows(ledger.db, 0, n).map((row) => row.event)).toEqual(ledger.since(0, n));
          ledger.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('numbers committed events from 1 and reports each with its sequence', () => {
    const ledger = Ledger.open(settings(), 'boot-1');
    const outcome = ledger.append([trip('a'), mission('running'), health('degraded')]);
    expect(outcome.results.map((r) => (r.ok ? r.event.seq : -1))).toEqual([1, 2, 3]);
    expect(ledger.since(1, 10).map((e) => e.kind)).toEqual(['mission', 'device-health']);
    ledger.close();
  });

  it('keeps numbering monotonic across restarts, even after retention dropped the newest rows', () => {
    const s = settings();
    const first = Ledger.open(s, 'boot-1');
    first.append([trip('a'), telemetry(1), telemetry(2)]);
    first.db.exec("DELETE FROM events WHERE class = 'telemetry'");
    first.close();
    const second = Ledger.open(s, 'boot-2');
    const outcome = second.append([trip('b')]);
    expect(outcome.results[0]).toMatchObject({ ok: true, event: { seq: 4 } });
    expect(second.rowsSince(0, 10).map((r) => [r.event.seq, r.bootId])).toEqual([
      [1, 'boot-1'],
      [4, 'boot-2'],
    ]);
    second.close();
  });

  it('records the schema version it migrated to and refuses a newer ledger', () => {
    const s = settings();
    Ledger.open(s, 'boot-1').close();
    const db = openSqlite(s.path);
    expect(schemaVersionOf(db)).toBe(SCHEMA_VERSION);
    db.prepare('INSERT INTO schema_version (version, applied_wall_ms) VALUES (?, 0)').run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => Ledger.open(s, 'boot-2')).toThrow(/newer than this runtime/);
  });

  it('over its size cap thins telemetry, then drops it oldest first, and never drops safety or mission events', () => {
    const ledger = Ledger.open(settings({ maxBytes: 60_000 }), 'boot-1');
    ledger.append([trip('first'), mission('running')]);
    for (let i = 0; i < 20; i++) ledger.append(Array.from({ length: 50 }, (_, j) => telemetry(i * 50 + j)));
    const kinds = ledger.since(0, 1e9);
    expect(kinds.filter((e) => e.kind === 'reflex-trip' || e.kind === 'mission')).toHaveLength(2);
    expect(ledger.stats().payloadBytes).toBeLessThanOrEqual(60_000);
    const kept = kinds.filter((e) => (e.kind as string) === 'telemetry-sample').map((e) => e.seq);
    // The newest telemetry is there in full; the oldest went first.
    expect(kept.at(-1)).toBe(ledger.lastSeq());
    expect(kept[0]).toBeGreaterThan(3);
    ledger.close();
  });

  it('keeps safety and mission events over the cap and says so once', () => {
    const ledger = Ledger.open(settings({ maxBytes: 2_000 }), 'boot-1');
    const outcome = ledger.append(Array.from({ length: 40 }, (_, i) => trip(`trip ${i} ${'z'.repeat(50)}`)));
    expect(outcome.results.every((r) => r.ok)).toBe(true);
    ledger.append([trip('more')]);
    const notices = ledger.since(0, 1e9).filter((e) => e.kind === 'ledger-notice');
    expect(notices.map((e) => e.kind === 'ledger-notice' && e.notice)).toEqual(['over-cap']);
    expect(ledger.since(0, 1e9).filter((e) => e.kind === 'reflex-trip')).toHaveLength(41);
    ledger.close();
  });

  it('drops telemetry and health older than the age limit, never safety', () => {
    let now = 0;
    const ledger = Ledger.open(settings({ maxAgeMs: 1_000 }), 'boot-1', { nowWallMs: () => now });
    ledger.append([trip('old'), health('failed'), telemetry(1)]);
    now = 5_000;
    ledger.append([telemetry(2)]);
    ledger.expire();
    expect(ledger.since(0, 10).map((e) => e.kind)).toEqual(['reflex-trip', 'telemetry-sample']);
    ledger.close();
  });

  it('on a full disk keeps writing safety events, refuses the others with the reason, says so, and recovers', () => {
    let freeDisk = 0;
    const ledger = Ledger.open(settings(), 'boot-1', { freeDiskBytes: () => freeDisk });
    ledger.append([trip('before')]);
    for (let i = 0; i < 20; i++) ledger.append(Array.from({ length: 50 }, (_, j) => telemetry(i * 50 + j)));
    const pages = ledger.db.pragma('page_count', { simple: true }) as number;
    ledger.db.pragma(`max_page_count = ${pages}`);
    let full = ledger.append([telemetry(9_999)]);
    for (let i = 0; full.results[0]?.ok && i < 200; i++) full = ledger.append([telemetry(10_000 + i)]);
    expect(full.results[0]).toEqual({ ok: false, reason: 'disk full: only safety events are kept', diskFull: true });
    expect(full.notices.map((e) => e.kind === 'ledger-notice' && e.notice)).toEqual(['disk-full']);
    const during = ledger.append([trip('during'), health('failed')]);
    expect(during.results[0]?.ok).toBe(true);
    expect(during.results[1]).toMatchObject({ ok: false });
    expect(ledger.stats().diskFull).toBe(true);
    expect(ledger.append([health('still full')]).results[0]).toMatchObject({ ok: false });
    ledger.db.pragma(`max_page_count = ${pages * 100}`);
    freeDisk = 1e9;
    const after = ledger.append([health('ok')]);
    expect(after.results[0]?.ok).toBe(true);
    expect(after.notices.map((e) => e.kind === 'ledger-notice' && e.notice)).toEqual(['disk-ok']);
    const trips = ledger.since(0, 1e9).filter((e) => e.kind === 'reflex-trip');
    expect(trips.map((e) => e.kind === 'reflex-trip' && e.reason)).toEqual(['before', 'during']);
    ledger.close();
  });
});
