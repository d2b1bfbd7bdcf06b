import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paramDefinition } from '../../config/params.js';
import { configUpdateProblem, uplinkCommands } from './uplink-commands.js';

const refuseAll = () => Promise.reject(new Error('not to be called'));

/** The range of `reflex.maxSpeedMps`, a number parameter with both bounds. */
function speedRange(): { min: number; max: number } {
  const definition = paramDefinition('reflex.maxSpeedMps');
  if (definition.type !== 'number' || definition.min === undefined || definition.max === undefined)
    throw new Error('reflex.maxSpeedMps is expected to be a number with a range');
  return { min: definition.min, max: definition.max };
}

describe('config updates from the supervisor', () => {
  const carry = uplinkCommands(refuseAll, refuseAll, {
    via: 'supervisor',
    remoteAddress: null,
    origin: null,
    authenticated: true,
  });

  it('GIVEN a value above its parameter range WHEN it arrives THEN it is refused naming the parameter and the range, and nothing else is asked', async () => {
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
  });

  it('GIVEN a name that is no parameter or a value of the wrong type THEN the problem names it', () => {
    expect(configUpdateProblem({ 'reflex.noSuchThing': 1 })).toContain('reflex.noSuchThing: no such parameter');
    expect(configUpdateProblem({ 'reflex.maxSpeedMps': 'fast' })).toContain('reflex.maxSpeedMps');
  });

  it('GIVEN any number outside [min, max] of a ranged parameter THEN it is refused; inside, it is valid', () => {
    const { min, max } = speedRange();
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const problem = configUpdateProblem({ 'reflex.maxSpeedMps': value });
        if (value < min || value > max) expect(problem).not.toBeNull();
        else expect(problem).toBeNull();
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  it('GIVEN a valid update THEN it is refused with the reason that parameters are fixed while running', async () => {
    const answer = await carry({
      kind: 'config-update',
      commandId: 5,
      version: 13,
      values: { 'reflex.maxSpeedMps': 0.3 },
    });
    expect(answer).toEqual({
      accepted: false,
      reason: 'config update 13: parameters cannot change while the runtime runs',
    });
  });
});
