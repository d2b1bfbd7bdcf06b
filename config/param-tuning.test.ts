import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cortexSettingsFromParams } from '../cortex/cortex-settings.js';
import { RETUNABLE_CORTEX_SETTINGS } from '../cortex/cortex-thread-protocol.js';
import { RETUNABLE_SETTINGS } from '../reflex/reflex-loop.js';
import { reflexSettingsFromParams } from '../reflex/reflex-settings.js';
import { uplinkSettingsFromParams, type UplinkSettings } from '../comms/uplink/uplink-settings.js';
import { resolveParams } from './param-values.js';
import { paramsWithUpdate, paramUpdateProblem, TUNABLE_PARAMS, tunableValues } from './param-tuning.js';
import { paramDefinition, paramList, type ParamDefinition, type ParamValues } from './params.js';

const defaults = resolveParams({});

/** The uplink's settings of `params` with a supervisor to link to. */
function uplinkSettingsOf(params: ParamValues): UplinkSettings {
  const settings = uplinkSettingsFromParams(paramsWithUpdate(params, { 'uplink.target': 'fleet.example:50051' }));
  if (!settings) throw new Error('expected uplink settings with a target');
  return settings;
}

/** A value of `definition`'s type, in its range or not. */
function anyValueOf(definition: ParamDefinition): fc.Arbitrary<number | boolean | string> {
  switch (definition.type) {
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: definition.min - 10, max: definition.max + 10 });
    case 'integer':
      return fc.integer({ min: definition.min - 10, max: definition.max + 10 });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string();
  }
}

function inRange(definition: ParamDefinition, value: number | boolean | string): boolean {
  if (definition.type === 'number')
    return typeof value === 'number' && value >= definition.min && value <= definition.max;
  if (definition.type === 'integer')
    return Number.isInteger(value) && (value as number) >= definition.min && (value as number) <= definition.max;
  return true;
}

describe('run-time tunable parameters', () => {
  it('are the speed limits, margins and thresholds of the reflex and the planner and follower values of the cortex, nothing that sizes memory, binds or names a device', () => {
    expect(TUNABLE_PARAMS).toContain('reflex.maxSpeedMps');
    expect(TUNABLE_PARAMS).toContain('cortex.cruiseSpeedMps');
    for (const fixed of [
      'reflex.loopRateHz',
      'reflex.deadmanTimeoutMs',
      'debug.listen',
      'ledger.path',
      'uplink.target',
      'cortex.rateHz',
    ])
      expect(TUNABLE_PARAMS).not.toContain(fixed);
    // Of the comms thread's own, only the telemetry rate: the link's address, TLS, token and keepalive are fixed.
    expect(TUNABLE_PARAMS.filter((name) => !name.startsWith('reflex.') && !name.startsWith('cortex.'))).toEqual([
      'uplink.telemetryHz',
    ]);
  });

  it('GIVEN each tunable parameter changed alone THEN only settings the running reflex and cortex take new values of change', () => {
    const reflexRetunable = new Set<string>(RETUNABLE_SETTINGS);
    const cortexRetunable = new Set<string>(RETUNABLE_CORTEX_SETTINGS);
    const reflexBefore = reflexSettingsFromParams(defaults, null);
    const cortexBefore = cortexSettingsFromParams(defaults);
    for (const name of TUNABLE_PARAMS) {
      const definition = paramDefinition(name);
      if (definition.type !== 'number' && definition.type !== 'integer') throw new Error(`${name}: expected a number`);
      const changed = definition.default === definition.max ? definition.min : definition.max;
      const next = paramsWithUpdate(defaults, { [name]: changed });
      const reflexAfter = reflexSettingsFromParams(next, null);
      const cortexAfter = cortexSettingsFromParams(next);
      const reflexChanged = Object.keys(reflexBefore).filter(
        (k) => reflexBefore[k as keyof typeof reflexBefore] !== reflexAfter[k as keyof typeof reflexAfter],
      );
      const cortexChanged = Object.keys(cortexBefore).filter(
        (k) =>
          // Compared by value: the energy settings are an object of their own.
          JSON.stringify(cortexBefore[k as keyof typeof cortexBefore]) !==
          JSON.stringify(cortexAfter[k as keyof typeof cortexAfter]),
      );
      const uplinkChanged = (['telemetryHz', 'keepaliveMs', 'keepaliveTimeoutMs', 'target', 'token'] as const).filter(
        (k) => uplinkSettingsOf(defaults)[k] !== uplinkSettingsOf(next)[k],
      );
      // Each tunable parameter reaches at least one running thread, and only through settings it retunes.
      expect(reflexChanged.length + cortexChanged.length + uplinkChanged.length, name).toBeGreaterThan(0);
      expect(
        uplinkChanged.filter((k) => k !== 'telemetryHz'),
        name,
      ).toEqual([]);
      expect(
        reflexChanged.filter((k) => !reflexRetunable.has(k)),
        name,
      ).toEqual([]);
      expect(
        cortexChanged.filter((k) => !cortexRetunable.has(k)),
        name,
      ).toEqual([]);
    }
  });

  it('GIVEN random values for random parameters THEN an update is refused exactly when one names a fixed parameter or is out of type or range', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.constantFrom(...paramList), { minLength: 1, maxLength: 4, selector: (d) => d.name })
          .chain((definitions) => fc.tuple(...definitions.map((d) => fc.tuple(fc.constant(d), anyValueOf(d))))),
        (pairs) => {
          const update = Object.fromEntries(pairs.map(([d, value]) => [d.name, value]));
          const problem = paramUpdateProblem(update);
          const fine = pairs.every(([d, value]) => d.tunable === true && inRange(d, value));
          if (fine) {
            expect(problem).toBeNull();
            const next = paramsWithUpdate(defaults, update);
            for (const [d, value] of pairs) expect(tunableValues(next)[d.name]).toBe(value);
          } else {
            const [first] = pairs.filter(([d, value]) => d.tunable !== true || !inRange(d, value))[0] ?? [];
            expect(problem).toContain(`${first?.name}:`);
          }
        },
      ),
      { seed: 13, numRuns: 1_000 },
    );
  });

  it('GIVEN an update that sets nothing, or a speed limit the wheels cannot reach THEN it is refused saying so', () => {
    expect(paramUpdateProblem({})).toBe('it sets no parameter');
    expect(paramUpdateProblem({ 'reflex.maxSpeedMps': 0.9 }, { maxWheelSpeedMps: 0.8 })).toContain(
      'robot.maxWheelSpeedMps 0.8 m/s',
    );
    expect(paramUpdateProblem({ 'reflex.maxSpeedMps': 0.8 }, { maxWheelSpeedMps: 0.8 })).toBeNull();
  });
});
