import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import { ConsistencyChecker } from './consistency-checker.js';
import { consistencySettingsFromParams } from './consistency-settings.js';

const SETTINGS = consistencySettingsFromParams(resolveParams({}), 0.2);
const STEP_US = 50_000;

describe('ConsistencyChecker after a stall of the cortex thread', () => {
  it('GIVEN steps replayed at their own times after a 6 s stall WHEN a matched pose from after the stall arrives THEN nothing is judged against the pose from before it', () => {
    // GIVEN a robot given 0.1 m/s straight ahead and measured doing exactly that for 3 s
    const checker = new ConsistencyChecker(SETTINGS);
    const given = { vMps: 0.1, wRadps: 0 };
    const changes = [];
    let nowUs = 0;
    for (; nowUs <= 3_000_000; nowUs += STEP_US) {
      const pose = { xM: 0.1 * (nowUs / 1e6), yM: 0, yawRad: 0 };
      changes.push(
        ...checker.step({
          nowUs,
          commanded: given,
          applied: given,
          measured: [{ source: 'scan-matching', stampUs: nowUs, pose }],
          localisation: { state: 'ok', quality: 0.9 },
        }),
      );
    }
    // WHEN the thread stalls for 6 s, then runs the steps it owed at their own times, while the
    // revolutions it missed arrive with their later stamps (the robot was stopped, then moved on)
    const late = { xM: 0.3 + 0.8, yM: 0.2, yawRad: 0 };
    for (let i = 0; i < 120; i++, nowUs += STEP_US) {
      changes.push(
        ...checker.step({
          nowUs,
          commanded: given,
          applied: given,
          measured: i === 0 ? [{ source: 'scan-matching', stampUs: 9_000_000, pose: late }] : [],
          localisation: { state: 'ok', quality: 0.9 },
        }),
      );
    }
    // THEN the 6 s between the two poses is never taken for motion the robot was given
    expect(changes).toEqual([]);
  });
});
