import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paramDefinition } from '../../config/params.js';
import type { ConfigUpdateRequest } from '../config-channel.js';
import { uplinkCommands } from './uplink-commands.js';

const refuseAll = () => Promise.reject(new Error('not to be called'));
const by = { via: 'supervisor' as const, remoteAddress: null, origin: null, authenticated: true };

/** The range of `reflex.maxSpeedMps`, a tunable number parameter with both bounds. */
function speedRange(): { min: number; max: number } {
  const definition = paramDefinition('reflex.maxSpeedMps');
  if (definition.type !== 'number') throw new Error('reflex.maxSpeedMps is expected to be a number with a range');
  return { min: definition.min, max: definition.max };
}

/** The supervisor's commands carried out, config updates going to a main thread that takes them all and notes each. */
function carrier(answer = { accepted: true, reason: '' }) {
  const applied: ConfigUpdateRequest[] = [];
  const carry = uplinkCommands(
    {
      operator: refuseAll,
      missions: refuseAll,
      config: (update) => {
        applied.push(update);
        return Promise.resolve(answer);
      },
    },
    by,
  );
  return { carry, applied };
}

describe('config updates from the supervisor', () => {
  it('GIVEN a value above its parameter range WHEN it arrives THEN it is refused naming the version and the parameter, and the main thread is not asked', async () => {
    const { carry, applied } = carrier();
    const { max } = speedRange();
    const answer = await carry({
      kind: 'config-update',
      commandId: 4,
      version: 12,
      values: { 'reflex.maxSpeedMps': max * 100 },
    });
    expect(answer.accepted).toBe(false);
    expect(answer.reason).toContain('config update 12');
    expect(answer.reason).toContain('reflex.maxSpeedMps');
    expect(applied).toEqual([]);
  });

  it('GIVEN a parameter fixed while the runtime runs THEN it is refused saying so, and the main thread is not asked', async () => {
    const { carry, applied } = carrier();
    const answer = await carry({
      kind: 'config-update',
      commandId: 6,
      version: 2,
      values: { 'cortex.maxAccelMps2': 0.5, 'debug.listen': '0.0.0.0:9000' },
    });
    expect(answer).toEqual({
      accepted: false,
      reason: 'config update 2: debug.listen: fixed while the runtime runs (it takes effect at the next start)',
    });
    expect(applied).toEqual([]);
  });

  it('GIVEN any number for the speed limit THEN outside [min, max] it is refused before the main thread; inside, the main thread gets exactly the update', async () => {
    const { min, max } = speedRange();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min, max, noNaN: true })),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (value, version) => {
          const { carry, applied } = carrier();
          const answer = await carry({
            kind: 'config-update',
            commandId: 1,
            version,
            values: { 'reflex.maxSpeedMps': value },
          });
          if (value < min || value > max) {
            expect(answer.accepted).toBe(false);
            expect(answer.reason).toContain(`config update ${version}: reflex.maxSpeedMps`);
            expect(applied).toEqual([]);
          } else {
            expect(answer).toEqual({ accepted: true, reason: '' });
            expect(applied).toEqual([{ version, values: { 'reflex.maxSpeedMps': value }, by }]);
          }
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });

  it("GIVEN a valid update the main thread refuses THEN the answer is its reason, with the update's version", async () => {
    const { carry } = carrier({ accepted: false, reason: 'version 3 is not newer than 5, the one in force' });
    const answer = await carry({
      kind: 'config-update',
      commandId: 7,
      version: 3,
      values: { 'cortex.cruiseSpeedMps': 0.3 },
    });
    expect(answer).toEqual({
      accepted: false,
      reason: 'config update 3: version 3 is not newer than 5, the one in force',
    });
  });
});
