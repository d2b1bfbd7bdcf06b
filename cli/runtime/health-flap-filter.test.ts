import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import { HealthFlapFilter } from './health-flap-filter.js';

const MS = 1_000;
const change = (to: string) =>
  ({ kind: 'device-health', device: 'imu', from: to === 'ok' ? 'degraded' : 'ok', to, reason: 'read failed' }) as const;

describe('HealthFlapFilter', () => {
  it('passes occasional changes through one by one', () => {
    const filter = new HealthFlapFilter({ windowUs: 10_000 * MS, changes: 6 });
    const out = [0, 3_000, 6_000, 9_000, 12_000].flatMap((t, i) =>
      filter.change(t * MS, change(i % 2 ? 'ok' : 'degraded')),
    );
    expect(out.map((e) => e.kind)).toEqual(Array(5).fill('device-health'));
  });

  it('GIVEN an IMU flipping ok/degraded ten times a second for two minutes THEN one flapping start and one end, with the count and rate', () => {
    const filter = new HealthFlapFilter({ windowUs: 10_000 * MS, changes: 6 });
    const out: RuntimeEventBody[] = [];
    let t = 0;
    for (let i = 0; i < 1_200; i++, t += 100) {
      out.push(...filter.change(t * MS, change(i % 2 ? 'ok' : 'degraded')));
      out.push(...filter.settle(t * MS));
    }
    // WHEN it stays ok for a whole window
    for (; t < 135_000; t += 500) out.push(...filter.settle(t * MS));
    const flaps = out.filter((e) => e.kind === 'device-flapping');
    expect(out.filter((e) => e.kind === 'device-health')).toHaveLength(5);
    expect(flaps.map((e) => e.kind === 'device-flapping' && e.phase)).toEqual(['start', 'end']);
    const [start, end] = flaps as Array<Extract<RuntimeEventBody, { kind: 'device-flapping' }>>;
    expect(start!.transitions).toBe(6);
    expect(start!.ratePerS).toBeCloseTo(6 / 0.5, 5);
    expect(end!.transitions).toBe(1_200);
    expect(end!.ratePerS).toBeCloseTo(10, 0);
    expect(end!.state).toBe('ok');
  });

  it('records at most two flapping events per flapping period, whatever the pattern of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3_000 }), { minLength: 1, maxLength: 300 }), (gapsMs) => {
        const filter = new HealthFlapFilter({ windowUs: 1_000 * MS, changes: 4 });
        let t = 0;
        let open = false;
        for (const [i, gap] of gapsMs.entries()) {
          t += gap;
          for (const e of [...filter.settle(t * MS), ...filter.change(t * MS, change(i % 2 ? 'ok' : 'failed'))]) {
            if (e.kind !== 'device-flapping') continue;
            // starts and ends alternate, beginning with a start
            expect(e.phase).toBe(open ? 'end' : 'start');
            open = !open;
          }
        }
      }),
    );
  });
});
