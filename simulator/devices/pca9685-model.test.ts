import { describe, expect, it } from 'vitest';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
  pointerWrite,
  prescaleForFrequency,
  restartSequence,
  tb6612Writes,
} from '../../hal/motor/pca9685-tb6612/codec.js';
import { createMotorHatSimDevice } from './pca9685-model.js';
import type { MotorHatSimDevice } from './pca9685-model.js';
import { SimBusError } from './sim-device.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** What the driver does at start: read MODE1, then the datasheet restart sequence. */
function bringUp(hat: MotorHatSimDevice, hz: number): void {
  const [mode1] = hat.transfer(pointerWrite(0x00), 1, 0);
  const sequence = restartSequence(mode1 ?? 0, prescaleForFrequency(hz));
  for (const write of sequence.beforeSettle) hat.transfer(write, 0, 10);
  for (const write of sequence.afterSettle) hat.transfer(write, 0, 10 + sequence.settleUs);
}

describe('simulated PCA9685 motor HAT', () => {
  it('sits at the bus and address it was given', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    expect(hat).toMatchObject({ kind: 'i2c', busPath: '/dev/i2c-1', address: 0x60 });
  });

  it('coasts every motor until the chip is woken (power-on: asleep, outputs off)', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    for (const motor of ['M1', 'M2', 'M3', 'M4']) expect(hat.output(motor)).toEqual({ duty: 0, mode: 'coast' });
  });

  it('follows the codec: restart sequence, then drive, brake and coast on every Adafruit motor', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    bringUp(hat, 1600);
    expect(hat.registers.frequencyHz).toBeCloseTo(1525.9, 1);
    const duties = [0.5, -0.25, 1, -1];
    Object.keys(ADAFRUIT_DC_MOTOR_HAT_PINS).forEach((motor, i) => {
      for (const write of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, motor, { mode: 'drive', duty: duties[i] ?? 0 })) {
        expect(hat.transfer(write, 0, 1_000).length).toBe(0);
      }
    });
    expect(['M1', 'M2', 'M3', 'M4'].map((m) => hat.output(m))).toEqual([
      { duty: 0.5, mode: 'drive' },
      { duty: -0.25, mode: 'drive' },
      { duty: 1, mode: 'drive' },
      { duty: -1, mode: 'drive' },
    ]);
    for (const write of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M2', { mode: 'brake' }))
      hat.transfer(write, 0, 2_000);
    for (const write of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M3', { mode: 'coast' }))
      hat.transfer(write, 0, 2_000);
    expect(hat.output('M2')).toEqual({ duty: 0, mode: 'brake' });
    expect(hat.output('M3')).toEqual({ duty: 0, mode: 'coast' });
    expect(hat.output('M1')).toEqual({ duty: 0.5, mode: 'drive' });
  });

  it('decodes raw bytes on the Waveshare channels (PWMA 0, AIN1 1, AIN2 2; BIN1 3, BIN2 4, PWMB 5)', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x40, 'waveshare');
    hat.transfer(bytes(0x00, 0x21), 0, 0); // awake, auto-increment
    // MA reverse at 1024/4096: PWMA ON=0 OFF=0x400, AIN1 full off, AIN2 full on.
    hat.transfer(bytes(0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00), 0, 0);
    expect(hat.output('MA')).toEqual({ duty: -0.25, mode: 'drive' });
    // MB forward at 3072/4096, channels 3..5 in one block: BIN1 on, BIN2 off, PWMB ON=0 OFF=0xC00.
    hat.transfer(bytes(0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c), 0, 0);
    expect(hat.output('MB')).toEqual({ duty: 0.75, mode: 'drive' });
    expect(tb6612Writes(WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MB', { mode: 'drive', duty: 0.75 })[0]).toEqual(
      bytes(0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c),
    );
  });

  it('without auto-increment, data bytes all land in the first register (MB gets nothing)', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x40, 'waveshare');
    hat.transfer(bytes(0x00, 0x01), 0, 0); // awake, AI off
    hat.transfer(bytes(0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c), 0, 0);
    expect(hat.output('MB')).toEqual({ duty: 0, mode: 'coast' });
    expect(hat.registers.read(0x12, 1)).toEqual(bytes(0x0c));
  });

  it('answers reads from the register last pointed at, auto-incrementing with AI', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    expect(hat.transfer(bytes(0x00), 1, 0)).toEqual(bytes(0x11)); // MODE1 at power-on
    expect(hat.transfer(bytes(0x01), 2, 0)).toEqual(bytes(0x04, 0x04)); // AI off: MODE2 twice
    hat.transfer(bytes(0x00, 0x31), 0, 0); // AI on, still asleep
    expect(hat.transfer(bytes(0xfe), 1, 0)).toEqual(bytes(0x1e)); // PRE_SCALE power-on
    expect(hat.transfer(bytes(0x01), 3, 0)).toEqual(bytes(0x04, 0xe2, 0xe4));
    expect(hat.transfer(null, 2, 0)).toEqual(bytes(0xe8, 0xe0)); // carries on from the pointer
    hat.transfer(bytes(0x06, 0x00, 0x00), 0, 0); // pointer now at 0x08
    expect(hat.transfer(null, 2, 0)).toEqual(bytes(0x00, 0x10)); // LED0_OFF_L, LED0_OFF_H (full off)
  });

  it('ignores PRE_SCALE while awake, as the chip does', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    bringUp(hat, 1600);
    hat.transfer(bytes(0xfe, 121), 0, 0);
    expect(hat.transfer(bytes(0xfe), 1, 0)).toEqual(bytes(3));
  });

  it('can stop acknowledging and lose power, for fault scenarios', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x60, 'adafruit');
    bringUp(hat, 1600);
    for (const write of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1', { mode: 'drive', duty: 0.5 })) {
      hat.transfer(write, 0, 0);
    }
    hat.setResponding(false);
    expect(() => hat.transfer(bytes(0x00), 1, 0)).toThrow(SimBusError);
    expect(() => hat.transfer(bytes(0x00), 1, 0)).toThrow(/EREMOTEIO/);
    expect(hat.output('M1')).toEqual({ duty: 0.5, mode: 'drive' });
    hat.setResponding(true);
    hat.powerCycle();
    expect(hat.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(hat.transfer(bytes(0x00), 1, 0)).toEqual(bytes(0x11));
  });

  it('throws a RangeError for a channel the HAT does not have', () => {
    const hat = createMotorHatSimDevice('/dev/i2c-1', 0x40, 'waveshare');
    expect(() => hat.output('M1')).toThrow(RangeError);
  });
});
