import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridgeInputs } from '../../hal/motor/gpio-hbridge/codec.js';
import type { BridgeCommand } from '../../hal/motor/bridge-codec.js';
import { l298nParamsSchema, tb6612GpioParamsSchema } from '../../hal/motor/gpio-hbridge/params.js';
import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { createGpioHBridgeSimDevice } from './gpio-hbridge-model.js';
import type { GpioHBridgeSimDevice } from './gpio-hbridge-model.js';

const CHIP = 'pinctrl-bcm2711';
const L298N_PINS = { in1: 23, in2: 24, ena: 12, in3: 5, in4: 6, enb: 13 };
const TB6612_PINS = { ain1: 23, ain2: 24, pwma: 12, bin1: 5, bin2: 6, pwmb: 13, stby: 25 };
const HARDWARE = {
  pwm: { mode: 'hardware', channels: { A: { chip: 'pwmchip0', channel: 0 }, B: { chip: 'pwmchip0', channel: 1 } } },
};

const line = (offset: number) => ({ chipLabel: CHIP, line: offset });
const PWMA = { chip: 'pwmchip0', channel: 0 };

/** Puts a bridge's inputs where the driver's codec says for `command`, over hardware PWM channel `channel`. */
function drive(
  model: GpioHBridgeSimDevice,
  pins: { in1: number; in2: number },
  pwm: typeof PWMA,
  inputs: ReturnType<typeof bridgeInputs>,
): void {
  model.hostWrite(line(pins.in1), inputs.in1, 0);
  model.hostWrite(line(pins.in2), inputs.in2, 0);
  model.hostPwm(pwm, inputs.pwmDuty, true, 0);
}

describe('simulated GPIO H-bridge: wiring', () => {
  it('L298N with hardware PWM: the four IN lines, and the two PWM channels for ENA/ENB', () => {
    const model = createGpioHBridgeSimDevice('st,l298n', CHIP, L298N_PINS, l298nParamsSchema.parse(HARDWARE));
    expect(model.kind).toBe('gpio');
    expect(model.lines).toEqual([line(23), line(24), line(5), line(6)]);
    expect(model.pwmChannels).toEqual([
      { chip: 'pwmchip0', channel: 0 },
      { chip: 'pwmchip0', channel: 1 },
    ]);
    expect(model.bridgeNames).toEqual(['A', 'B']);
  });

  it('TB6612 with software PWM: IN, PWM and STBY lines, no PWM channel', () => {
    const model = createGpioHBridgeSimDevice(
      'toshiba,tb6612fng-gpio',
      CHIP,
      TB6612_PINS,
      tb6612GpioParamsSchema.parse({}),
    );
    expect(model.lines.map((l) => l.line).sort((a, b) => a - b)).toEqual([5, 6, 12, 13, 23, 24, 25]);
    expect(model.pwmChannels).toEqual([]);
  });

  it('refuses pins the board does not have and a hardware bridge without its channel', () => {
    expect(() =>
      createGpioHBridgeSimDevice('st,l298n', CHIP, { ain1: 1, ain2: 2 }, l298nParamsSchema.parse({})),
    ).toThrow(/unknown pin "ain1"/);
    const onlyA = l298nParamsSchema.parse({ pwm: { mode: 'hardware', channels: { A: PWMA } } });
    expect(() => createGpioHBridgeSimDevice('st,l298n', CHIP, L298N_PINS, onlyA)).toThrow(/params.pwm.channels.B/);
  });
});

describe('simulated L298N', () => {
  const model = (): GpioHBridgeSimDevice =>
    createGpioHBridgeSimDevice('st,l298n', CHIP, L298N_PINS, l298nParamsSchema.parse(HARDWARE));

  it('coasts before the host drives anything (EN low)', () => {
    expect(model().output('A')).toEqual({ duty: 0, mode: 'coast' });
  });

  it('decodes raw levels by the L298 table: IN1 H IN2 L with ENA at 60 % is forward 0.6', () => {
    const hbridge = model();
    hbridge.hostWrite(line(23), 1, 0);
    hbridge.hostWrite(line(24), 0, 0);
    hbridge.hostPwm(PWMA, 0.6, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0.6, mode: 'drive' });
    expect(hbridge.output('B')).toEqual({ duty: 0, mode: 'coast' });
    hbridge.hostPwm(PWMA, 0.6, false, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'coast' });
    hbridge.hostWrite(line(24), 1, 0);
    hbridge.hostPwm(PWMA, 1, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'brake' });
    expect(hbridge.read(line(24))).toBe(1);
    expect(hbridge.inputs('A')).toEqual({ in1: 1, in2: 1, pwmDuty: 1, standby: 1 });
  });

  it('gives back every command the driver codec writes, on bridge B', () => {
    const command = fc.oneof(
      fc
        .double({ min: -1, max: 1, noNaN: true })
        .filter((d) => d !== 0)
        .map((duty): BridgeCommand => ({ mode: 'drive', duty })),
      fc.constantFrom<BridgeCommand>({ mode: 'brake' }, { mode: 'coast' }),
    );
    fc.assert(
      fc.property(command, (next) => {
        const hbridge = model();
        drive(hbridge, { in1: 5, in2: 6 }, { chip: 'pwmchip0', channel: 1 }, bridgeInputs('l298n', next));
        expect(hbridge.output('B')).toEqual(next.mode === 'drive' ? next : { duty: 0, mode: next.mode });
      }),
    );
  });

  it('never throws on odd input: NaN or out-of-range duty, lines and channels it does not have', () => {
    const hbridge = model();
    hbridge.hostWrite(line(23), 1, 0);
    hbridge.hostPwm(PWMA, Number.NaN, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'coast' });
    hbridge.hostPwm(PWMA, 7, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 1, mode: 'drive' });
    hbridge.hostWrite(line(99), 1, 0);
    hbridge.hostWrite({ chipLabel: 'pinctrl-rp1', line: 24 }, 1, 0);
    hbridge.hostPwm({ chip: 'pwmchip9', channel: 0 }, 1, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 1, mode: 'drive' });
    expect(hbridge.advance(1_000, fakeWorldView())).toEqual([]);
    expect(() => hbridge.output('M1')).toThrow(RangeError);
  });

  it('coasts while its motor supply is lost, and follows its inputs again when it is back', () => {
    const hbridge = model();
    drive(hbridge, { in1: 23, in2: 24 }, PWMA, bridgeInputs('l298n', { mode: 'drive', duty: -0.4 }));
    hbridge.setPowered(false);
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'coast' });
    hbridge.setPowered(true);
    expect(hbridge.output('A')).toEqual({ duty: -0.4, mode: 'drive' });
  });
});

describe('simulated TB6612FNG', () => {
  it('is in standby (coast) until STBY goes high, and short-brakes with PWM low', () => {
    const hbridge = createGpioHBridgeSimDevice(
      'toshiba,tb6612fng-gpio',
      CHIP,
      TB6612_PINS,
      tb6612GpioParamsSchema.parse(HARDWARE),
    );
    drive(hbridge, { in1: 23, in2: 24 }, PWMA, bridgeInputs('tb6612fng', { mode: 'drive', duty: 0.3 }));
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'coast' });
    hbridge.hostWrite(line(25), 1, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0.3, mode: 'drive' });
    hbridge.hostPwm(PWMA, 0, true, 0);
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'brake' });
  });

  it('without a STBY pin, takes STBY as tied high', () => {
    const hbridge = createGpioHBridgeSimDevice(
      'toshiba,tb6612fng-gpio',
      CHIP,
      { ain1: 23, ain2: 24 },
      tb6612GpioParamsSchema.parse({ pwm: { mode: 'hardware', channels: { A: PWMA } } }),
    );
    drive(hbridge, { in1: 23, in2: 24 }, PWMA, bridgeInputs('tb6612fng', { mode: 'coast' }));
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'coast' });
    drive(hbridge, { in1: 23, in2: 24 }, PWMA, bridgeInputs('tb6612fng', { mode: 'drive', duty: -1 }));
    expect(hbridge.output('A')).toEqual({ duty: -1, mode: 'drive' });
  });

  it('software PWM: the duty is the time the PWMA line was high over the last four periods', () => {
    const hbridge = createGpioHBridgeSimDevice(
      'toshiba,tb6612fng-gpio',
      CHIP,
      TB6612_PINS,
      tb6612GpioParamsSchema.parse({}),
    );
    hbridge.hostWrite(line(25), 1, 0);
    hbridge.hostWrite(line(23), 1, 0);
    hbridge.hostWrite(line(24), 0, 0);
    // 1 kHz, 30 %: high at each millisecond, low 300 µs later, stamped with the time of each edge.
    for (let periodUs = 0; periodUs < 10_000; periodUs += 1_000) {
      hbridge.hostWrite(line(12), 1, periodUs);
      hbridge.hostWrite(line(12), 0, periodUs + 300);
    }
    hbridge.advance(10_000, fakeWorldView());
    expect(hbridge.output('A').mode).toBe('drive');
    expect(hbridge.output('A').duty).toBeCloseTo(0.3, 9);
    hbridge.hostWrite(line(12), 1, 10_000); // held high from here: a full duty once the window has passed
    hbridge.advance(12_000, fakeWorldView());
    expect(hbridge.output('A').duty).toBeCloseTo((1 * 2_000 + 0.3 * 2_000) / 4_000, 9);
    hbridge.advance(20_000, fakeWorldView());
    expect(hbridge.output('A')).toEqual({ duty: 1, mode: 'drive' });
    hbridge.hostWrite(line(12), 0, 20_000);
    hbridge.advance(30_000, fakeWorldView());
    expect(hbridge.output('A')).toEqual({ duty: 0, mode: 'brake' });
  });
});
