import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBuiltinRegistry } from './builtin-models.js';
import { NO_PINS, namedPins, wiringProblem, type PinDeclaration, type WiringDeclarations } from './device-wiring.js';
import { DeviceRegistry, type DeviceModel } from './registry.js';

function model(pins: PinDeclaration, address: 'required' | 'none' = 'none'): WiringDeclarations {
  return { compatible: 'acme,part', address, pins };
}

const BRIDGES = namedPins({
  sets: [
    { name: 'bridge A', pins: ['in1', 'in2'], extras: ['ena'] },
    { name: 'bridge B', pins: ['in3', 'in4'], extras: ['enb'] },
  ],
  minimumSets: 1,
  optional: ['stby'],
});
const PAIRS: PinDeclaration = { kind: 'paired', suffixes: ['A', 'B'], example: '{ leftA: 17, leftB: 18 }' };

describe('wiringProblem', () => {
  it('an I2C chip needs its address, any other device has none', () => {
    expect(wiringProblem(model(NO_PINS, 'required'), { address: undefined, pins: {} })).toEqual({
      field: 'address',
      problem: 'is required: "acme,part" is an I2C chip',
    });
    expect(wiringProblem(model(NO_PINS, 'required'), { address: 0x40, pins: {} })).toBeUndefined();
    expect(wiringProblem(model(NO_PINS), { address: 0x40, pins: {} })?.field).toBe('address');
  });

  it('a device without pins takes none', () => {
    expect(wiringProblem(model(NO_PINS), { address: undefined, pins: {} })).toBeUndefined();
    expect(wiringProblem(model(NO_PINS), { address: undefined, pins: { tx: 4 } })).toEqual({
      field: 'pins.tx',
      problem: '"acme,part" has no pins',
    });
  });

  it('named pins: required ones given, no unknown ones, each line once', () => {
    const switchPins = model(namedPins({ required: ['in'] }));
    expect(wiringProblem(switchPins, { address: undefined, pins: { in: 17 } })).toBeUndefined();
    expect(wiringProblem(switchPins, { address: undefined, pins: {} })).toEqual({
      field: 'pins.in',
      problem: 'is required by "acme,part"',
    });
    expect(wiringProblem(switchPins, { address: undefined, pins: { in: 17, out: 18 } })).toEqual({
      field: 'pins.out',
      problem: 'unknown pin: "acme,part" has in',
    });
    expect(wiringProblem(model(BRIDGES), { address: undefined, pins: { in1: 5, in2: 5 } })).toEqual({
      field: 'pins.in2',
      problem: 'is line 5, as is pins.in1',
    });
  });

  it('pin sets: all of a set or none, extras only with it, at least the minimum wired', () => {
    const check = (pins: Record<string, number>) => wiringProblem(model(BRIDGES), { address: undefined, pins });
    expect(check({ in1: 1, in2: 2 })).toBeUndefined();
    expect(check({ in1: 1, in2: 2, ena: 3, in3: 4, in4: 5, enb: 6, stby: 7 })).toBeUndefined();
    expect(check({ in1: 1, in2: 2, in3: 4 })).toEqual({
      field: 'pins.in4',
      problem: 'is required with pins.in3 (bridge B)',
    });
    expect(check({ in1: 1, in2: 2, enb: 6 })).toEqual({
      field: 'pins.enb',
      problem: 'is given, but bridge B has no pins.in3 and pins.in4',
    });
    expect(check({ stby: 7 })).toEqual({
      field: 'pins',
      problem: '"acme,part" needs at least 1 of in1/in2 or in3/in4',
    });
  });

  it('paired pins: every channel has both, names end in a suffix, at least one pair', () => {
    const check = (pins: Record<string, number>) => wiringProblem(model(PAIRS), { address: undefined, pins });
    expect(check({ leftA: 17, leftB: 18, rightA: 22, rightB: 23 })).toBeUndefined();
    expect(check({ leftA: 17, rightA: 22, rightB: 23 })).toEqual({
      field: 'pins.leftB',
      problem: 'is required with pins.leftA',
    });
    expect(check({ rightB: 23 })).toEqual({ field: 'pins.rightA', problem: 'is required with pins.rightB' });
    expect(check({ left: 17 })).toEqual({
      field: 'pins.left',
      problem: 'pins of "acme,part" are named <channel>A and <channel>B',
    });
    expect(check({ A: 17 })?.field).toBe('pins.A');
    expect(check({})).toEqual({
      field: 'pins',
      problem: '"acme,part" needs at least one pair, e.g. { leftA: 17, leftB: 18 }',
    });
  });
});

describe('model declarations', () => {
  const base: DeviceModel<unknown> = {
    compatible: 'acme,part',
    kind: 'digital-input',
    description: 'a part',
    busKind: 'gpio',
    address: 'none',
    pins: namedPins({ required: ['in'] }),
    paramsSchema: z.unknown(),
    create: () => {
      throw new Error('not created here');
    },
  };

  it('every built-in model declares an address exactly when it is on I2C, and pins only on GPIO', () => {
    for (const m of createBuiltinRegistry().list()) {
      expect({ compatible: m.compatible, address: m.address }).toEqual({
        compatible: m.compatible,
        address: m.busKind === 'i2c' ? 'required' : 'none',
      });
      if (m.busKind !== 'gpio') expect(m.pins).toEqual(NO_PINS);
      else expect(m.pins.kind).not.toBe('none');
    }
  });

  it('the registry refuses a model whose declarations contradict its bus', () => {
    const registry = new DeviceRegistry();
    expect(() => registry.register({ ...base, address: 'required' })).toThrow(/address is required exactly for I2C/);
    expect(() => registry.register({ ...base, busKind: 'serial' })).toThrow(/only a GPIO model has any/);
    expect(() => registry.register({ ...base, pins: undefined as unknown as PinDeclaration })).toThrow(
      /declare its pins/,
    );
    registry.register(base);
    expect(registry.get('acme,part')).toBe(base);
  });
});
