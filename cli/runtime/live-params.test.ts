import { describe, expect, it } from 'vitest';
import { loadBoardFile } from '../../config/board-loader.js';
import { resolveParams } from '../../config/param-values.js';
import type { CortexTuning } from '../../cortex/cortex-thread-protocol.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ReflexSettings } from '../../reflex/reflex-types.js';
import { LiveParams } from './live-params.js';

const board = loadBoardFile('board-configs/sim-diffdrive.yaml');
const by = { via: 'supervisor' as const, remoteAddress: '127.0.0.1:50051', origin: null, authenticated: false };

/** Live parameters over a reflex that refuses with `reflexSays` (null: takes it) and a cortex, both recording what they are given. */
function live(reflexSays: string | null = null) {
  const reflex: ReflexSettings[] = [];
  const cortex: CortexTuning[] = [];
  const events: RuntimeEventBody[] = [];
  const params = new LiveParams(resolveParams({}), {
    board,
    geofence: null,
    parts: {
      reflex: {
        retune: (settings) => {
          reflex.push(settings);
          return reflexSays;
        },
      },
      cortex: { retune: (tuning) => void cortex.push(tuning) },
    },
    record: (body) => void events.push(body),
  });
  return { params, reflex, cortex, events };
}

describe('LiveParams', () => {
  it('GIVEN a valid update THEN the reflex and the cortex get it, it is recorded once, and the status shows it with its version', () => {
    const l = live();
    expect(l.params.status()).toMatchObject({ version: 0, tunable: { 'reflex.maxSpeedMps': 0.5 } });

    const values = { 'reflex.maxSpeedMps': 0.3, 'cortex.cruiseSpeedMps': 0.2, 'reflex.maxTurnRateRadps': 1 };
    expect(l.params.apply({ version: 7, values, by })).toEqual({ accepted: true, reason: '' });

    expect(l.reflex.at(-1)).toMatchObject({ maxSpeedMps: 0.3, maxTurnRateRadps: 1 });
    // The reflex's turn-rate limit is the planner's too.
    expect(l.cortex.at(-1)).toMatchObject({ cruiseSpeedMps: 0.2, maxTurnRateRadps: 1 });
    expect(l.events).toEqual([{ kind: 'config-change', version: 7, values, by }]);
    expect(l.params.status()).toMatchObject({ version: 7, tunable: values });
    expect(l.params.values()['reflex.maxSpeedMps']).toBe(0.3);

    // The same update again (a lost answer resent) is accepted without a second event or retune.
    expect(l.params.apply({ version: 7, values, by })).toEqual({ accepted: true, reason: '' });
    expect(l.events).toHaveLength(1);
    expect(l.reflex).toHaveLength(1);
  });

  it('GIVEN an update not newer than the one in force THEN it is refused and nothing changes', () => {
    const l = live();
    l.params.apply({ version: 7, values: { 'reflex.maxSpeedMps': 0.3 }, by });
    expect(l.params.apply({ version: 7, values: { 'reflex.maxSpeedMps': 0.4 }, by })).toEqual({
      accepted: false,
      reason: 'version 7 is not newer than 7, the one in force',
    });
    expect(l.params.apply({ version: 3, values: { 'reflex.maxSpeedMps': 0.4 }, by }).accepted).toBe(false);
    expect(l.params.status().tunable['reflex.maxSpeedMps']).toBe(0.3);
    expect(l.events).toHaveLength(1);
  });

  it("GIVEN a speed limit above the board's wheel speed, or one the reflex refuses THEN it is refused with the reason, the cortex is not told and nothing is recorded", () => {
    const l = live();
    const tooFast = board.robot.maxWheelSpeedMps + 0.1;
    const answer = l.params.apply({ version: 1, values: { 'reflex.maxSpeedMps': tooFast }, by });
    expect(answer.accepted).toBe(false);
    expect(answer.reason).toContain('robot.maxWheelSpeedMps');
    expect(l.reflex).toEqual([]);

    const refusing = live('the obstacle checks would have to watch more');
    expect(refusing.params.apply({ version: 1, values: { 'reflex.slowZoneM': 3 }, by })).toEqual({
      accepted: false,
      reason: 'the reflex refused it: the obstacle checks would have to watch more',
    });
    expect(refusing.cortex).toEqual([]);
    expect(refusing.events).toEqual([]);
    expect(refusing.params.status()).toMatchObject({ version: 0, tunable: { 'reflex.slowZoneM': 0.5 } });
  });
});
