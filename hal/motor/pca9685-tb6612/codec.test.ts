import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  MODE1_AI,
  MODE1_EXTCLK,
  MODE1_RESTART,
  MODE1_SLEEP,
  OSCILLATOR_SETTLE_US,
  Pca9685Registers,
  REG_ALL_LED_OFF_H,
  REG_ALL_LED_ON_L,
  REG_LED0_ON_L,
  REG_LED15_OFF_H,
  REG_MODE1,
  REG_MODE2,
  REG_PRE_SCALE,
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
  allLedFullOffWrite,
  decodeTb6612,
  frequencyForPrescale,
  ledFullOff,
  ledFullOn,
  ledWrite,
  mode2Write,
  nextRegister,
  pointerWrite,
  prescaleForFrequency,
  prescaleWrite,
  restartSequence,
  restartWrite,
  sleepWrite,
  tb6612Writes,
  wakeWrite,
} from './codec.js';
import type { BridgeCommand } from '../bridge-codec.js';
import type { Tb6612PinMap } from './codec.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** A chip brought up with the driver's sequence: awake, auto-increment on, 1526 Hz. */
function awakeChip(): Pca9685Registers {
  const chip = new Pca9685Registers();
  const sequence = restartSequence(chip.read(REG_MODE1, 1)[0] ?? 0, 3);
  for (const write of [...sequence.beforeSettle, ...sequence.afterSettle]) chip.write(write);
  return chip;
}

describe('PCA9685 register map (datasheet rev. 4, Table 4)', () => {
  it('has the datasheet addresses', () => {
    expect([REG_MODE1, REG_MODE2, REG_LED0_ON_L, REG_LED15_OFF_H]).toEqual([0x00, 0x01, 0x06, 0x45]);
    expect([REG_ALL_LED_ON_L, REG_ALL_LED_OFF_H, REG_PRE_SCALE]).toEqual([0xfa, 0xfd, 0xfe]);
    expect([MODE1_RESTART, MODE1_EXTCLK, MODE1_AI, MODE1_SLEEP]).toEqual([0x80, 0x40, 0x20, 0x10]);
  });

  it('auto-increments 0x00..0x45 and 0xFA..0xFE, each rolling over to MODE1 (Table 4 remark)', () => {
    expect(nextRegister(0x00)).toBe(0x01);
    expect(nextRegister(0x44)).toBe(0x45);
    expect(nextRegister(0x45)).toBe(0x00);
    expect(nextRegister(0xfa)).toBe(0xfb);
    expect(nextRegister(0xfd)).toBe(0xfe);
    expect(nextRegister(0xfe)).toBe(0x00);
  });
});

describe('prescaleForFrequency (datasheet §7.3.5, equation 1)', () => {
  it('gives the datasheet values', () => {
    expect(prescaleForFrequency(50)).toBe(121);
    expect(prescaleForFrequency(50)).toBe(0x79);
    expect(prescaleForFrequency(200)).toBe(30); // the power-on PRE_SCALE, 0x1E
    expect(prescaleForFrequency(1600)).toBe(3);
    expect(prescaleForFrequency(1526)).toBe(3);
    expect(prescaleForFrequency(24)).toBe(253);
  });

  it('throws a RangeError for what the chip cannot do', () => {
    expect(() => prescaleForFrequency(1800)).toThrow(RangeError);
    expect(() => prescaleForFrequency(23)).toThrow(RangeError);
    expect(() => prescaleForFrequency(0)).toThrow(RangeError);
    expect(() => prescaleForFrequency(Number.NaN)).toThrow(RangeError);
    expect(() => prescaleForFrequency(-50)).toThrow(RangeError);
  });

  it('reports the frequency a prescale really makes', () => {
    expect(frequencyForPrescale(3)).toBeCloseTo(1525.88, 2);
    expect(frequencyForPrescale(255)).toBeCloseTo(23.84, 2);
  });
});

describe('write payloads', () => {
  it('LEDn counts are little-endian at 0x06 + 4n (datasheet §7.3.3, examples 1 and 2)', () => {
    // Example 1: LED0, delay 10 %, duty 20 %: ON = 0x199, OFF = 0x4CC.
    expect(ledWrite(0, 0x199, 0x4cc)).toEqual(bytes(0x06, 0x99, 0x01, 0xcc, 0x04));
    // Example 2: LED4, delay 90 %, duty 90 %: ON = 0xE65, OFF = 0xCCB.
    expect(ledWrite(4, 0xe65, 0xccb)).toEqual(bytes(0x16, 0x65, 0x0e, 0xcb, 0x0c));
  });

  it('full on is bit 4 of LEDn_ON_H, full off bit 4 of LEDn_OFF_H', () => {
    expect(ledFullOn(0)).toEqual(bytes(0x06, 0x00, 0x10, 0x00, 0x00));
    expect(ledFullOff(15)).toEqual(bytes(0x42, 0x00, 0x00, 0x00, 0x10));
    expect(allLedFullOffWrite()).toEqual(bytes(0xfd, 0x10)); // Fig 24
  });

  it('rejects channels and counts out of range', () => {
    expect(() => ledWrite(16, 0, 0)).toThrow(RangeError);
    expect(() => ledWrite(0, 4096, 0)).toThrow(RangeError);
    expect(() => ledFullOn(-1)).toThrow(RangeError);
    expect(() => prescaleWrite(2)).toThrow(RangeError);
    expect(() => sleepWrite(0x100)).toThrow(RangeError);
  });

  it('MODE1 writes never write 1 to RESTART except the restart itself (§7.3.1.1)', () => {
    expect(sleepWrite(0xa1)).toEqual(bytes(0x00, 0x31));
    expect(wakeWrite(0xb1)).toEqual(bytes(0x00, 0x21));
    expect(restartWrite(0x11)).toEqual(bytes(0x00, 0xa1));
    expect(mode2Write()).toEqual(bytes(0x01, 0x04));
    expect(pointerWrite(REG_MODE1)).toEqual(bytes(0x00));
  });

  it('the restart sequence from power-on: sleep, PRE_SCALE, MODE2, wake, 500 µs, restart with AI', () => {
    const sequence = restartSequence(0x11, prescaleForFrequency(1600));
    expect(sequence.beforeSettle).toEqual([bytes(0x00, 0x11), bytes(0xfe, 0x03), bytes(0x01, 0x04), bytes(0x00, 0x01)]);
    expect(sequence.settleUs).toBe(OSCILLATOR_SETTLE_US);
    expect(sequence.settleUs).toBe(500);
    expect(sequence.afterSettle).toEqual([bytes(0x00, 0xa1)]);
  });

  it('the restart sequence on a running chip puts it to sleep first', () => {
    const sequence = restartSequence(0x21, 121);
    expect(sequence.beforeSettle[0]).toEqual(bytes(0x00, 0x31));
    expect(sequence.beforeSettle[3]).toEqual(bytes(0x00, 0x21));
    expect(sequence.afterSettle).toEqual([bytes(0x00, 0xa1)]);
  });
});

describe('tb6612Writes', () => {
  it('drives Adafruit M1 (PWM 8, IN2 9, IN1 10) forward at half duty in one block write', () => {
    expect(tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: 0.5 })).toEqual([
      bytes(0x26, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00),
    ]);
  });

  it('reverses with IN1 low, IN2 high', () => {
    // M2: IN1 11, IN2 12, PWM 13 -> block from channel 11 (0x32).
    expect(tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M2', { mode: 'drive', duty: -0.25 })).toEqual([
      bytes(0x32, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04),
    ]);
  });

  it('brakes with every channel full on, coasts with every channel full off', () => {
    expect(tb6612Writes(WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MA', { mode: 'brake' })).toEqual([
      bytes(0x06, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00),
    ]);
    expect(tb6612Writes(WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MB', { mode: 'coast' })).toEqual([
      bytes(0x12, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10),
    ]);
  });

  it('full duty is the full-on bit, zero duty the full-off bit', () => {
    const [full] = tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: 1 });
    expect(full?.subarray(1, 5)).toEqual(bytes(0x00, 0x10, 0x00, 0x00));
    const [zero] = tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: 0 });
    expect(zero?.subarray(1, 5)).toEqual(bytes(0x00, 0x00, 0x00, 0x10));
  });

  it('is always one write on both HATs, and splits channels that are not adjacent', () => {
    for (const map of [ADAFRUIT_DC_MOTOR_HAT_PINS, WAVESHARE_MOTOR_DRIVER_HAT_PINS]) {
      for (const motor of Object.keys(map)) {
        expect(tb6612Writes(map, motor, { mode: 'brake' })).toHaveLength(1);
      }
    }
    const spread: Tb6612PinMap = { X: { pwm: 0, in1: 1, in2: 15 } };
    const writes = tb6612Writes(spread, 'X', { mode: 'coast' });
    expect(writes.map((w) => w[0])).toEqual([0x06, 0x42]);
    expect(writes.map((w) => w.length)).toEqual([9, 5]);
  });

  it('throws a RangeError for an unknown motor or a duty outside -1..1', () => {
    expect(() => tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'MA', { mode: 'brake' })).toThrow(RangeError);
    expect(() => tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'toString', { mode: 'brake' })).toThrow(RangeError);
    expect(() => tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: 1.5 })).toThrow(RangeError);
    expect(() => tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: Number.NaN })).toThrow(
      RangeError,
    );
  });
});

describe('Pca9685Registers', () => {
  it('powers on asleep, 200 Hz, every output off', () => {
    const chip = new Pca9685Registers();
    expect(chip.sleeping).toBe(true);
    expect(chip.autoIncrement).toBe(false);
    expect(chip.read(REG_MODE1, 1)).toEqual(bytes(0x11));
    expect(chip.read(REG_MODE2, 1)).toEqual(bytes(0x04));
    expect(chip.read(REG_PRE_SCALE, 1)).toEqual(bytes(0x1e));
    expect(chip.read(0x09, 1)).toEqual(bytes(0x10)); // LED0_OFF_H: full off
    expect(chip.frequencyHz).toBeCloseTo(196.9, 1); // 0x1E is nominally 200 Hz
  });

  it('reads the same register over and over while AI is off, and in sequence once it is on', () => {
    const chip = new Pca9685Registers();
    expect(chip.read(REG_MODE1, 3)).toEqual(bytes(0x11, 0x11, 0x11));
    chip.write(bytes(REG_MODE1, 0x31));
    expect(chip.read(REG_MODE1, 3)).toEqual(bytes(0x31, 0x04, 0xe2));
    expect(chip.read(REG_PRE_SCALE, 2)).toEqual(bytes(0x1e, 0x31));
  });

  it('ignores PRE_SCALE unless asleep, and forces values below 3 up to 3 (§7.3.5)', () => {
    const chip = awakeChip();
    expect(chip.read(REG_PRE_SCALE, 1)).toEqual(bytes(3));
    chip.write(prescaleWrite(121));
    expect(chip.read(REG_PRE_SCALE, 1)).toEqual(bytes(3));
    chip.write(sleepWrite(chip.read(REG_MODE1, 1)[0] ?? 0));
    chip.write(bytes(REG_PRE_SCALE, 1));
    expect(chip.read(REG_PRE_SCALE, 1)).toEqual(bytes(3));
    chip.write(prescaleWrite(121));
    expect(chip.read(REG_PRE_SCALE, 1)).toEqual(bytes(121));
    expect(chip.frequencyHz).toBeCloseTo(50.03, 2);
  });

  it('writes one register per data byte unless AI is set', () => {
    const chip = new Pca9685Registers();
    chip.write(bytes(REG_MODE1, 0x01)); // awake, AI off
    chip.write(bytes(0x06, 0x11, 0x22, 0x33));
    expect(chip.read(0x06, 1)).toEqual(bytes(0x33));
    expect(chip.read(0x07, 1)).toEqual(bytes(0x00));
  });

  it('takes AI from a MODE1 byte for the rest of the same transaction (Fig 21)', () => {
    const chip = new Pca9685Registers();
    chip.write(bytes(REG_MODE1, 0x21, 0x04, 0xe2, 0xe4, 0xe8, 0xe0, 0x00, 0x00, 0xff, 0x0f));
    expect(chip.channelDuty(0)).toBeCloseTo(4095 / 4096, 6);
    expect(chip.pointer).toBe(0x0a);
  });

  it('gives the duty of the datasheet examples, the ON/OFF wrap-around included (§7.3.3)', () => {
    const chip = awakeChip();
    chip.write(ledWrite(0, 0x199, 0x4cc));
    chip.write(ledWrite(4, 0xe65, 0xccb));
    expect(chip.channelDuty(0)).toBe(819 / 4096);
    expect(chip.channelDuty(4)).toBe(3686 / 4096);
  });

  it('full off wins over full on; full on alone is 1', () => {
    const chip = awakeChip();
    chip.write(bytes(0x06, 0x00, 0x10, 0x00, 0x10));
    expect(chip.channelDuty(0)).toBe(0);
    chip.write(ledFullOn(0));
    expect(chip.channelDuty(0)).toBe(1);
    expect(chip.channelDuty(16)).toBe(0);
  });

  it('ALL_LED writes load every channel and read back as zero (§7.3.4)', () => {
    const chip = awakeChip();
    chip.write(bytes(REG_ALL_LED_ON_L, 0x00, 0x10, 0x00, 0x00));
    for (let channel = 0; channel < 16; channel++) expect(chip.channelDuty(channel)).toBe(1);
    expect(chip.read(REG_ALL_LED_ON_L, 4)).toEqual(bytes(0, 0, 0, 0));
    chip.write(allLedFullOffWrite());
    for (let channel = 0; channel < 16; channel++) expect(chip.channelDuty(channel)).toBe(0);
  });

  it('outputs are off while asleep, and after waking until RESTART is written (§7.3.1.1)', () => {
    const chip = awakeChip();
    chip.write(ledFullOn(3));
    expect(chip.channelDuty(3)).toBe(1);
    const mode1 = chip.read(REG_MODE1, 1)[0] ?? 0;
    chip.write(sleepWrite(mode1));
    expect(chip.channelDuty(3)).toBe(0);
    expect((chip.read(REG_MODE1, 1)[0] ?? 0) & MODE1_RESTART).toBe(MODE1_RESTART);
    chip.write(wakeWrite(mode1));
    expect(chip.sleeping).toBe(false);
    expect(chip.channelDuty(3)).toBe(0);
    chip.write(restartWrite(mode1));
    expect(chip.channelDuty(3)).toBe(1);
    expect((chip.read(REG_MODE1, 1)[0] ?? 0) & MODE1_RESTART).toBe(0);
  });

  it('keeps EXTCLK once set, and only lets it be set while asleep', () => {
    const chip = new Pca9685Registers();
    chip.write(bytes(REG_MODE1, 0x01));
    chip.write(bytes(REG_MODE1, 0x01 | MODE1_EXTCLK));
    expect((chip.read(REG_MODE1, 1)[0] ?? 0) & MODE1_EXTCLK).toBe(0);
    chip.write(bytes(REG_MODE1, MODE1_SLEEP));
    chip.write(bytes(REG_MODE1, MODE1_SLEEP | MODE1_EXTCLK));
    chip.write(bytes(REG_MODE1, 0x01));
    expect((chip.read(REG_MODE1, 1)[0] ?? 0) & MODE1_EXTCLK).toBe(MODE1_EXTCLK);
  });

  it('reads from the pointer and moves it on with AI', () => {
    const chip = awakeChip();
    chip.write(pointerWrite(REG_MODE2));
    expect(chip.readFromPointer(1)).toEqual(bytes(0x04));
    expect(chip.readFromPointer(1)).toEqual(bytes(0xe2));
    chip.write(pointerWrite(REG_LED15_OFF_H));
    expect(chip.readFromPointer(2)).toEqual(bytes(0x10, 0x21));
  });

  it('never throws, whatever bytes it is given', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
        fc.integer({ min: -5, max: 300 }),
        fc.integer({ min: -2, max: 300 }),
        (writes, register, length) => {
          const chip = new Pca9685Registers();
          for (const write of writes) chip.write(write);
          chip.read(register, length);
          chip.readFromPointer(length);
          for (let channel = 0; channel < 16; channel++) {
            const duty = chip.channelDuty(channel);
            expect(duty).toBeGreaterThanOrEqual(0);
            expect(duty).toBeLessThanOrEqual(1);
          }
          decodeTb6612(chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('encoder -> register file -> decodeTb6612 round trip', () => {
  const hats: Array<[string, Tb6612PinMap]> = [
    ['Adafruit DC Motor HAT', ADAFRUIT_DC_MOTOR_HAT_PINS],
    ['Waveshare Motor Driver HAT', WAVESHARE_MOTOR_DRIVER_HAT_PINS],
  ];
  const duties = [-1, -0.75, -0.5, -0.1, -1 / 4096, 0, 1 / 4096, 0.001, 0.25, 0.5, 0.999, 1];

  for (const [hat, pins] of hats) {
    for (const motor of Object.keys(pins)) {
      it(`${hat} ${motor}: every duty, brake and coast come back, and the other motors do not move`, () => {
        const chip = awakeChip();
        const others = Object.keys(pins).filter((m) => m !== motor);
        for (const other of others) for (const w of tb6612Writes(pins, other, { mode: 'brake' })) chip.write(w);
        for (const duty of duties) {
          for (const w of tb6612Writes(pins, motor, { mode: 'drive', duty })) chip.write(w);
          const output = decodeTb6612(chip, pins, motor);
          expect(output.mode).toBe('drive');
          expect(output.duty).toBeCloseTo(duty, 3);
          expect(Math.abs(output.duty - duty)).toBeLessThanOrEqual(1 / 8192);
        }
        const stops: BridgeCommand[] = [{ mode: 'brake' }, { mode: 'coast' }];
        for (const command of stops) {
          for (const w of tb6612Writes(pins, motor, command)) chip.write(w);
          expect(decodeTb6612(chip, pins, motor)).toEqual({ duty: 0, mode: command.mode });
        }
        for (const other of others) expect(decodeTb6612(chip, pins, other)).toEqual({ duty: 0, mode: 'brake' });
      });
    }
  }

  it('any duty survives the trip to within one count', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 1, noNaN: true }), (duty) => {
        const chip = awakeChip();
        for (const w of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M3', { mode: 'drive', duty })) chip.write(w);
        const output = decodeTb6612(chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M3');
        expect(output.mode).toBe('drive');
        expect(Math.abs(output.duty - duty)).toBeLessThanOrEqual(1 / 8192);
      }),
    );
  });

  it('a sleeping chip decodes as coast', () => {
    const chip = new Pca9685Registers();
    for (const w of tb6612Writes(WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MA', { mode: 'brake' })) chip.write(w);
    expect(decodeTb6612(chip, WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MA')).toEqual({ duty: 0, mode: 'coast' });
  });

  it('throws a RangeError for a motor the HAT does not have', () => {
    expect(() => decodeTb6612(new Pca9685Registers(), WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'M1')).toThrow(RangeError);
  });
});
