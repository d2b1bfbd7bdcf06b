import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L298N_PIN_NAMES, TB6612FNG_PIN_NAMES, bridgeInputs, decodeBridge, resolveWiring } from './codec.js';
import type { HBridgeChip, HBridgeInputs, PinLevel } from './codec.js';

const H: PinLevel = 1;
const L: PinLevel = 0;

/**
 * ST L298 data sheet (Jan 2000), Figure 6 "Bidirectional DC motor control", written out row by row
 * (C = IN1, D = IN2, Ven = the enable held steady high or low):
 *   Ven = H, C = H, D = L → forward; C = L, D = H → reverse; C = D → fast motor stop;
 *   Ven = L, C = X, D = X → free running motor stop.
 */
const L298_FIGURE_6: Array<[PinLevel, PinLevel, PinLevel, string]> = [
  [H, H, L, 'forward'],
  [H, L, H, 'reverse'],
  [H, H, H, 'fast stop'],
  [H, L, L, 'fast stop'],
  [L, L, L, 'free running'],
  [L, L, H, 'free running'],
  [L, H, L, 'free running'],
  [L, H, H, 'free running'],
];

/**
 * Toshiba TB6612FNG data sheet (2007-06-30), "H-SW control function" table on page 4, one row per
 * line (X rows expanded): IN1, IN2, PWM, STBY → mode.
 */
const TB6612_H_SW_CONTROL: Array<[PinLevel, PinLevel, PinLevel, PinLevel, string]> = [
  [H, H, H, H, 'short brake'],
  [H, H, L, H, 'short brake'],
  [L, H, H, H, 'CCW'],
  [L, H, L, H, 'short brake'],
  [H, L, H, H, 'CW'],
  [H, L, L, H, 'short brake'],
  [L, L, H, H, 'stop'],
  ...([H, L] as PinLevel[]).flatMap((in1) =>
    ([H, L] as PinLevel[]).flatMap((in2) =>
      ([H, L] as PinLevel[]).map((pwm): [PinLevel, PinLevel, PinLevel, PinLevel, string] => [
        in1,
        in2,
        pwm,
        L,
        'standby',
      ]),
    ),
  ),
];

/** The data sheets' names for each of our outputs at a steady (0 or 1) PWM. */
function datasheetName(chip: HBridgeChip, output: { duty: number; mode: string }): string {
  if (chip === 'l298n') {
    if (output.mode === 'drive') return output.duty > 0 ? 'forward' : 'reverse';
    return output.mode === 'brake' ? 'fast stop' : 'free running';
  }
  if (output.mode === 'drive') return output.duty > 0 ? 'CW' : 'CCW';
  return output.mode === 'brake' ? 'short brake' : 'stop';
}

describe('L298 truth table', () => {
  it.each(L298_FIGURE_6)('Ven %i, C %i, D %i is %s', (ven, c, d, name) => {
    const output = decodeBridge('l298n', { in1: c, in2: d, pwmDuty: ven });
    expect(datasheetName('l298n', output)).toBe(name);
    if (output.mode !== 'drive') expect(output.duty).toBe(0);
    else expect(Math.abs(output.duty)).toBe(1);
  });

  it('puts the PWM on EN: drive at the duty, signed by IN1', () => {
    expect(bridgeInputs('l298n', { mode: 'drive', duty: 0.4 })).toEqual({ in1: 1, in2: 0, pwmDuty: 0.4 });
    expect(bridgeInputs('l298n', { mode: 'drive', duty: -0.75 })).toEqual({ in1: 0, in2: 1, pwmDuty: 0.75 });
    expect(decodeBridge('l298n', { in1: 0, in2: 1, pwmDuty: 0.75 })).toEqual({ duty: -0.75, mode: 'drive' });
  });

  it('brakes with IN1 = IN2 = H and EN held high; coasts with EN low', () => {
    expect(bridgeInputs('l298n', { mode: 'brake' })).toEqual({ in1: 1, in2: 1, pwmDuty: 1 });
    expect(bridgeInputs('l298n', { mode: 'coast' })).toEqual({ in1: 0, in2: 0, pwmDuty: 0 });
  });

  it('coasts at duty 0: EN low inhibits the bridge', () => {
    expect(decodeBridge('l298n', bridgeInputs('l298n', { mode: 'drive', duty: 0 }))).toEqual({
      duty: 0,
      mode: 'coast',
    });
  });

  it('has no standby pin: STBY does not matter', () => {
    expect(decodeBridge('l298n', { in1: 1, in2: 0, pwmDuty: 1 }, 0)).toEqual({ duty: 1, mode: 'drive' });
  });
});

describe('TB6612FNG truth table', () => {
  it.each(TB6612_H_SW_CONTROL)('IN1 %i, IN2 %i, PWM %i, STBY %i is %s', (in1, in2, pwm, stby, name) => {
    const output = decodeBridge('tb6612fng', { in1, in2, pwmDuty: pwm }, stby);
    expect(name === 'standby' ? output.mode : datasheetName('tb6612fng', output)).toBe(
      name === 'standby' ? 'coast' : name,
    );
  });

  it('puts the PWM on PWMx: drive at the duty, short brake in the low part', () => {
    expect(bridgeInputs('tb6612fng', { mode: 'drive', duty: 0.25 })).toEqual({ in1: 1, in2: 0, pwmDuty: 0.25 });
    expect(decodeBridge('tb6612fng', { in1: 1, in2: 0, pwmDuty: 0.25 })).toEqual({ duty: 0.25, mode: 'drive' });
    expect(decodeBridge('tb6612fng', bridgeInputs('tb6612fng', { mode: 'drive', duty: 0 }))).toEqual({
      duty: 0,
      mode: 'brake',
    });
  });

  it('brakes with IN1 = IN2 = H, stops (coast) with IN1 = IN2 = L and PWM high, as the table rows', () => {
    expect(bridgeInputs('tb6612fng', { mode: 'brake' })).toEqual({ in1: 1, in2: 1, pwmDuty: 1 });
    expect(bridgeInputs('tb6612fng', { mode: 'coast' })).toEqual({ in1: 0, in2: 0, pwmDuty: 1 });
  });

  it('reads IN1 = IN2 = L as stop whatever the PWM (a row the table leaves out)', () => {
    expect(decodeBridge('tb6612fng', { in1: 0, in2: 0, pwmDuty: 0 })).toEqual({ duty: 0, mode: 'coast' });
    expect(decodeBridge('tb6612fng', { in1: 0, in2: 0, pwmDuty: 0.5 })).toEqual({ duty: 0, mode: 'coast' });
  });
});

const chips: HBridgeChip[] = ['l298n', 'tb6612fng'];
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1));
const level = fc.constantFrom<PinLevel>(0, 1);

describe('truth tables, properties', () => {
  it('a drive command decodes to itself on both chips, for any duty in -1..1 but 0', () => {
    fc.assert(
      fc.property(fc.constantFrom(...chips), fc.double({ min: -1, max: 1, noNaN: true }), (chip, duty) => {
        fc.pre(duty !== 0);
        expect(decodeBridge(chip, bridgeInputs(chip, { mode: 'drive', duty }))).toEqual({ duty, mode: 'drive' });
      }),
    );
  });

  it('brake and coast decode to themselves on both chips', () => {
    for (const chip of chips) {
      expect(decodeBridge(chip, bridgeInputs(chip, { mode: 'brake' }))).toEqual({ duty: 0, mode: 'brake' });
      expect(decodeBridge(chip, bridgeInputs(chip, { mode: 'coast' }))).toEqual({ duty: 0, mode: 'coast' });
    }
  });

  it('decoding never throws and always gives a duty in -1..1 with a known mode', () => {
    fc.assert(
      fc.property(fc.constantFrom(...chips), level, level, anyNumber, level, (chip, in1, in2, pwmDuty, stby) => {
        const inputs: HBridgeInputs = { in1, in2, pwmDuty };
        const output = decodeBridge(chip, inputs, stby);
        expect(['drive', 'brake', 'coast']).toContain(output.mode);
        expect(Math.abs(output.duty)).toBeLessThanOrEqual(1);
        expect(Number.isNaN(output.duty)).toBe(false);
        if (output.mode !== 'drive') expect(output.duty).toBe(0);
      }),
    );
  });

  it('refuses a duty outside -1..1 or not a number with a RangeError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...chips), anyNumber, (chip, duty) => {
        fc.pre(!(duty >= -1 && duty <= 1));
        expect(() => bridgeInputs(chip, { mode: 'drive', duty })).toThrow(RangeError);
      }),
    );
  });
});

describe('resolveWiring', () => {
  it('finds both L298N bridges from the module pin names', () => {
    const pins = { in1: 23, in2: 24, ena: 12, in3: 5, in4: 6, enb: 13 };
    expect(resolveWiring(L298N_PIN_NAMES, pins, true)).toEqual({
      bridges: [
        { name: 'A', in1: 23, in2: 24, pwm: 12 },
        { name: 'B', in1: 5, in2: 6, pwm: 13 },
      ],
      standby: undefined,
    });
  });

  it('takes one bridge alone, the PWM pin left out for hardware PWM, and the TB6612 STBY', () => {
    expect(resolveWiring(TB6612FNG_PIN_NAMES, { bin1: 5, bin2: 6, stby: 25 }, false)).toEqual({
      bridges: [{ name: 'B', in1: 5, in2: 6, pwm: undefined }],
      standby: 25,
    });
  });

  it('says what is wrong with the pins', () => {
    expect(() => resolveWiring(L298N_PIN_NAMES, { in1: 23, in2: 24, enable: 12 }, false)).toThrow(
      /unknown pin "enable"; this board has in1, in2, ena, in3, in4, enb/,
    );
    expect(() => resolveWiring(L298N_PIN_NAMES, { in1: 23, ena: 12 }, false)).toThrow(/bridge A needs pin "in2"/);
    expect(() => resolveWiring(L298N_PIN_NAMES, { in1: 23, in2: 24, in3: 23, in4: 6 }, false)).toThrow(
      /pins "in1" and "in3" are both line 23/,
    );
    expect(() => resolveWiring(L298N_PIN_NAMES, { in1: 23, in2: 24 }, true)).toThrow(
      /bridge A needs pin "ena" for software PWM/,
    );
    expect(() => resolveWiring(TB6612FNG_PIN_NAMES, { stby: 25 }, false)).toThrow(
      /no bridge is wired: give at least ain1\/ain2 or bin1\/bin2/,
    );
    expect(() => resolveWiring(TB6612FNG_PIN_NAMES, { pwmb: 13, ain1: 1, ain2: 2 }, false)).toThrow(
      /pin "pwmb" is given, but not "bin1" and "bin2"/,
    );
  });
});
