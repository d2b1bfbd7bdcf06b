import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCEL_RANGES_G,
  GYRO_RANGES_DPS,
  MPU6050_BURST_LENGTH,
  MPU6050_WHO_AM_I,
  Mpu6050Registers,
  REG_ACCEL_CONFIG,
  REG_ACCEL_XOUT_H,
  REG_CONFIG,
  REG_GYRO_CONFIG,
  REG_PWR_MGMT_1,
  REG_SMPLRT_DIV,
  REG_WHO_AM_I,
  STANDARD_GRAVITY_MPS2,
  accelConfigValue,
  chipSampleRateHz,
  decodeBurst,
  encodeBurst,
  gyroConfigValue,
  pointerWrite,
  rawFromSample,
  registerWrite,
  robotFromSensor,
  scaleSample,
  sensorFromRobot,
  setupForPollRate,
  setupReadback,
  setupWrite,
  type Mpu6050RawSample,
  type Vector3,
} from './codec.js';

/**
 * One measurement burst written out from the register map: registers 59..72 in order, each 16-bit
 * value high byte first, two's complement (RM-MPU-6000A-00 rev 4.2 §4.17 accelerometer, §4.18
 * temperature, §4.19 gyro). With AFS_SEL 0 (16384 LSB/g, PS §6.2) and FS_SEL 0 (131 LSB/(°/s),
 * PS §6.1): the board lying flat, chip up, turning left at 1 °/s about Z, rolled so that Y reads −1 g.
 */
// prettier-ignore
const BURST = Uint8Array.from([
  0x00, 0x00, // ACCEL_XOUT  = 0
  0xc0, 0x00, // ACCEL_YOUT  = 0xC000 = -16384 → -1 g
  0x40, 0x00, // ACCEL_ZOUT  = 0x4000 = 16384 → +1 g
  0xf0, 0xb0, // TEMP_OUT    = 0xF0B0 = -3920 → -3920/340 + 36.53 = 25.0006 °C
  0xff, 0x7d, // GYRO_XOUT   = 0xFF7D = -131 → -1 °/s
  0x7f, 0xff, // GYRO_YOUT   = 0x7FFF = 32767 → full scale, 250.13 °/s
  0x00, 0x83, // GYRO_ZOUT   = 0x0083 = 131 → +1 °/s
]);

/** Big-endian two's complement, worked out here rather than taken from the codec. */
function int16At(bytes: Uint8Array, offset: number): number {
  const unsigned = (bytes[offset] as number) * 256 + (bytes[offset + 1] as number);
  return unsigned > 32767 ? unsigned - 65536 : unsigned;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function closeTo(actual: Vector3, expected: Vector3, digits = 9): void {
  expect(actual.x).toBeCloseTo(expected.x, digits);
  expect(actual.y).toBeCloseTo(expected.y, digits);
  expect(actual.z).toBeCloseTo(expected.z, digits);
}

function awakeChip(): Mpu6050Registers {
  const chip = new Mpu6050Registers();
  chip.write(registerWrite(REG_PWR_MGMT_1, 0x01));
  return chip;
}

const int16 = fc.integer({ min: -32768, max: 32767 });
const rawArb: fc.Arbitrary<Mpu6050RawSample> = fc.record({
  accel: fc.record({ x: int16, y: int16, z: int16 }),
  temperature: int16,
  gyro: fc.record({ x: int16, y: int16, z: int16 }),
});

describe('MPU-6050 burst decoding', () => {
  it('decodes the register-map burst: seven big-endian int16 in the order accel, temperature, gyro', () => {
    const raw = decodeBurst(BURST);
    expect(raw).toEqual({
      accel: { x: int16At(BURST, 0), y: int16At(BURST, 2), z: int16At(BURST, 4) },
      temperature: int16At(BURST, 6),
      gyro: { x: int16At(BURST, 8), y: int16At(BURST, 10), z: int16At(BURST, 12) },
    });
    expect(raw).toEqual({
      accel: { x: 0, y: -16384, z: 16384 },
      temperature: -3920,
      gyro: { x: -131, y: 32767, z: 131 },
    });
  });

  it('scales it with the datasheet sensitivities and the temperature formula', () => {
    const raw = decodeBurst(BURST);
    if (!raw) throw new Error('no sample');
    const sample = scaleSample(raw, 2, 250);
    closeTo(sample.accelMps2, { x: 0, y: -9.80665, z: 9.80665 });
    closeTo(sample.gyroRadps, { x: -Math.PI / 180, y: ((32767 / 131) * Math.PI) / 180, z: Math.PI / 180 });
    expect(sample.temperatureC).toBeCloseTo(-3920 / 340 + 36.53, 9);
    expect(sample.temperatureC).toBeCloseTo(25.0, 2);
  });

  it('uses the sensitivity of each range (PS §6.1, §6.2)', () => {
    const raw: Mpu6050RawSample = {
      accel: { x: 8192, y: 4096, z: 2048 },
      temperature: 0,
      gyro: { x: 65, y: 33, z: 16 },
    };
    expect(scaleSample(raw, 4, 500).accelMps2.x).toBeCloseTo(STANDARD_GRAVITY_MPS2, 9);
    expect(scaleSample(raw, 8, 500).accelMps2.y).toBeCloseTo(STANDARD_GRAVITY_MPS2, 9);
    expect(scaleSample(raw, 16, 500).accelMps2.z).toBeCloseTo(STANDARD_GRAVITY_MPS2, 9);
    expect(scaleSample(raw, 2, 500).gyroRadps.x).toBeCloseTo(((65 / 65.5) * Math.PI) / 180, 9);
    expect(scaleSample(raw, 2, 1000).gyroRadps.y).toBeCloseTo(((33 / 32.8) * Math.PI) / 180, 9);
    expect(scaleSample(raw, 2, 2000).gyroRadps.z).toBeCloseTo(((16 / 16.4) * Math.PI) / 180, 9);
    expect(scaleSample(raw, 2, 2000).temperatureC).toBeCloseTo(36.53, 9);
    expect(() => scaleSample(raw, 3, 250)).toThrow(RangeError);
    expect(() => scaleSample(raw, 2, 300)).toThrow(RangeError);
  });

  it('is not a sample unless exactly 14 bytes came back', () => {
    expect(decodeBurst(new Uint8Array(0))).toBeNull();
    expect(decodeBurst(BURST.subarray(0, 13))).toBeNull();
    expect(decodeBurst(Uint8Array.from([...BURST, 0]))).toBeNull();
  });

  it('encodes back to the same bytes', () => {
    const raw = decodeBurst(BURST);
    if (!raw) throw new Error('no sample');
    expect(encodeBurst(raw)).toEqual(BURST);
  });

  it('never throws on random bytes, and decodes exactly the 14-byte answers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
        const raw = decodeBurst(input);
        expect(raw === null).toBe(input.length !== MPU6050_BURST_LENGTH);
        if (raw) expect(encodeBurst(raw)).toEqual(input);
      }),
      { numRuns: 500 },
    );
  });

  it('encode then decode gives the counts back, for any sample', () => {
    fc.assert(
      fc.property(rawArb, (raw) => {
        expect(decodeBurst(encodeBurst(raw))).toEqual(raw);
      }),
    );
  });

  it('SI values survive the trip to counts and back to within half a count, in every range', () => {
    fc.assert(
      fc.property(rawArb, fc.constantFrom(...ACCEL_RANGES_G), fc.constantFrom(...GYRO_RANGES_DPS), (raw, a, g) => {
        expect(rawFromSample(scaleSample(raw, a, g), a, g)).toEqual(raw);
      }),
    );
  });

  it('saturates out-of-range values like the ADC instead of wrapping', () => {
    const raw = rawFromSample(
      {
        accelMps2: { x: 3 * STANDARD_GRAVITY_MPS2, y: -3 * STANDARD_GRAVITY_MPS2, z: Number.NaN },
        gyroRadps: { x: 10, y: -10, z: 0 },
        temperatureC: 200,
      },
      2,
      250,
    );
    expect(raw).toEqual({
      accel: { x: 32767, y: -32768, z: 0 },
      temperature: 32767,
      gyro: { x: 32767, y: -32768, z: 0 },
    });
  });
});

describe('MPU-6050 setup', () => {
  it('encodes FS_SEL and AFS_SEL in bits 4:3 (RM §4.4, §4.5)', () => {
    expect([250, 500, 1000, 2000].map(gyroConfigValue)).toEqual([0x00, 0x08, 0x10, 0x18]);
    expect([2, 4, 8, 16].map(accelConfigValue)).toEqual([0x00, 0x08, 0x10, 0x18]);
    expect(() => gyroConfigValue(750)).toThrow(RangeError);
    expect(() => accelConfigValue(1)).toThrow(RangeError);
  });

  it('sample rate = gyro output rate / (1 + SMPLRT_DIV), 8 kHz with the filter off (RM §4.2)', () => {
    expect(chipSampleRateHz(0, 7)).toBe(1000);
    expect(chipSampleRateHz(3, 9)).toBe(100);
    expect(chipSampleRateHz(7, 0)).toBe(8000);
    expect(chipSampleRateHz(6, 255)).toBe(1000 / 256);
  });

  it('picks the widest filter within half the poll rate and a chip rate at least the poll rate', () => {
    const cases: Array<[number, number, number]> = [
      [100, 3, 9], // 42 Hz gyro bandwidth, 100 Hz
      [1000, 1, 0], // 188 Hz, 1 kHz
      [200, 2, 4], // 98 Hz, 200 Hz
      [50, 4, 19], // 20 Hz, 50 Hz
      [10, 6, 99], // 5 Hz, 10 Hz
      [1, 6, 255], // narrowest filter, slowest rate (3.9 Hz)
      [30, 5, 32], // 10 Hz, 30.3 Hz
    ];
    for (const [pollHz, dlpfCfg, divider] of cases) {
      const setup = setupForPollRate(pollHz, 4, 500);
      expect([pollHz, setup.dlpfCfg, setup.sampleRateDivider]).toEqual([pollHz, dlpfCfg, divider]);
      expect(chipSampleRateHz(setup.dlpfCfg, setup.sampleRateDivider)).toBeGreaterThanOrEqual(
        Math.min(pollHz, 1000 / 256),
      );
    }
    expect(() => setupForPollRate(0, 4, 500)).toThrow(RangeError);
    expect(() => setupForPollRate(100, 5, 500)).toThrow(RangeError);
  });

  it('writes registers 25..28 in one burst', () => {
    const setup = setupForPollRate(100, 4, 500);
    expect(setupWrite(setup)).toEqual(bytes(0x19, 9, 3, 0x08, 0x08));
    expect(setupReadback(setup)).toEqual(bytes(9, 3, 0x08, 0x08));
    expect(registerWrite(REG_PWR_MGMT_1, 0x80)).toEqual(bytes(0x6b, 0x80));
    expect(pointerWrite(REG_WHO_AM_I)).toEqual(bytes(0x75));
  });
});

describe('MPU-6050 mount rotation', () => {
  const g = STANDARD_GRAVITY_MPS2;

  it('leaves a forward-facing, chip-up board alone', () => {
    closeTo(robotFromSensor({ x: 1, y: 2, z: 3 }, { yawDeg: 0, upsideDown: false }), { x: 1, y: 2, z: 3 });
  });

  it('turns sensor X onto robot Y when the board is yawed 90° left', () => {
    closeTo(robotFromSensor({ x: 1, y: 0, z: g }, { yawDeg: 90, upsideDown: false }), { x: 0, y: 1, z: g });
    closeTo(robotFromSensor({ x: 0, y: 1, z: 0 }, { yawDeg: 90, upsideDown: false }), { x: -1, y: 0, z: 0 });
  });

  it('upside down: gravity on sensor −Z is robot +Z, and sensor Y points right', () => {
    closeTo(robotFromSensor({ x: 0, y: 0, z: -g }, { yawDeg: 0, upsideDown: true }), { x: 0, y: 0, z: g });
    closeTo(robotFromSensor({ x: 0, y: 1, z: 0 }, { yawDeg: 0, upsideDown: true }), { x: 0, y: -1, z: 0 });
    closeTo(robotFromSensor({ x: 1, y: 0, z: 0 }, { yawDeg: 0, upsideDown: true }), { x: 1, y: 0, z: 0 });
  });

  it('sensorFromRobot undoes robotFromSensor for any mount', () => {
    const coord = fc.double({ min: -100, max: 100, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({ x: coord, y: coord, z: coord }),
        fc.double({ min: -360, max: 360, noNaN: true }),
        fc.boolean(),
        (v, yawDeg, upsideDown) => {
          const mount = { yawDeg, upsideDown };
          closeTo(robotFromSensor(sensorFromRobot(v, mount), mount), v, 6);
        },
      ),
    );
  });
});

describe('MPU-6050 register file', () => {
  it('powers on asleep, WHO_AM_I 0x68, everything else 0 (RM §3)', () => {
    const chip = new Mpu6050Registers();
    expect(chip.read(REG_PWR_MGMT_1, 1)).toEqual(bytes(0x40));
    expect(chip.read(REG_WHO_AM_I, 1)).toEqual(bytes(MPU6050_WHO_AM_I));
    expect(chip.read(REG_SMPLRT_DIV, 4)).toEqual(bytes(0, 0, 0, 0));
    expect(chip.sleeping).toBe(true);
    expect(chip.sampleRateHz).toBe(8000);
  });

  it('auto-increments through a burst write and a burst read', () => {
    const chip = awakeChip();
    chip.write(setupWrite(setupForPollRate(100, 8, 1000)));
    expect(chip.pointer).toBe(REG_ACCEL_CONFIG + 1);
    chip.write(pointerWrite(REG_SMPLRT_DIV));
    expect(chip.readFromPointer(4)).toEqual(bytes(9, 3, 0x10, 0x10));
    expect(chip.pointer).toBe(REG_ACCEL_CONFIG + 1);
    expect(chip.accelRangeG).toBe(8);
    expect(chip.gyroRangeDps).toBe(1000);
    expect(chip.sampleRateHz).toBe(100);
  });

  it('DEVICE_RESET restores every default and ends the transaction', () => {
    const chip = awakeChip();
    chip.write(bytes(REG_SMPLRT_DIV, 9, 3, 0x18, 0x18));
    chip.write(bytes(REG_PWR_MGMT_1, 0x80, 0x55));
    expect(chip.read(REG_SMPLRT_DIV, 4)).toEqual(bytes(0, 0, 0, 0));
    expect(chip.read(REG_PWR_MGMT_1, 2)).toEqual(bytes(0x40, 0x00));
    expect(chip.sleeping).toBe(true);
  });

  it('keeps WHO_AM_I and the measurements read-only, and reserved bits at zero', () => {
    const chip = awakeChip();
    chip.write(bytes(REG_WHO_AM_I, 0x12));
    chip.write(bytes(REG_ACCEL_XOUT_H, 1, 2, 3));
    chip.write(bytes(REG_CONFIG, 0xff, 0xff, 0xff));
    chip.write(bytes(REG_PWR_MGMT_1, 0x7f & ~0x40));
    expect(chip.read(REG_WHO_AM_I, 1)).toEqual(bytes(0x68));
    expect(chip.read(REG_ACCEL_XOUT_H, 3)).toEqual(bytes(0, 0, 0));
    expect(chip.read(REG_CONFIG, 3)).toEqual(bytes(0x3f, 0xf8, 0xf8));
    expect(chip.read(REG_PWR_MGMT_1, 1)).toEqual(bytes(0x2f));
    expect(chip.read(REG_GYRO_CONFIG, 1)).toEqual(bytes(0xf8));
  });

  it('latches measurements only while awake, and keeps the temperature with TEMP_DIS', () => {
    const raw = decodeBurst(BURST);
    if (!raw) throw new Error('no sample');
    const chip = new Mpu6050Registers();
    expect(chip.latch(raw)).toBe(false);
    expect(chip.read(REG_ACCEL_XOUT_H, 14)).toEqual(new Uint8Array(14));
    chip.write(registerWrite(REG_PWR_MGMT_1, 0x01));
    expect(chip.latch(raw)).toBe(true);
    chip.write(pointerWrite(REG_ACCEL_XOUT_H));
    expect(chip.readFromPointer(14)).toEqual(BURST);
    chip.write(registerWrite(REG_PWR_MGMT_1, 0x09));
    chip.latch({ ...raw, temperature: 0, accel: { x: 1, y: 1, z: 1 } });
    expect(chip.read(REG_ACCEL_XOUT_H, 8)).toEqual(bytes(0, 1, 0, 1, 0, 1, 0xf0, 0xb0));
  });

  it('answers with a clone’s WHO_AM_I when told to', () => {
    expect(new Mpu6050Registers(0x98).read(REG_WHO_AM_I, 1)).toEqual(bytes(0x98));
  });

  it('never throws on random transactions, and a pointer write always gets back to the right register', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 20 }), rawArb, (writes, raw) => {
        const chip = new Mpu6050Registers();
        for (const write of writes) {
          chip.write(write);
          chip.readFromPointer(write.length % 5);
        }
        chip.write(pointerWrite(REG_WHO_AM_I));
        expect(chip.readFromPointer(1)).toEqual(bytes(0x68));
        chip.write(registerWrite(REG_PWR_MGMT_1, 0x01));
        chip.latch(raw);
        chip.write(pointerWrite(REG_ACCEL_XOUT_H));
        expect(decodeBurst(chip.readFromPointer(MPU6050_BURST_LENGTH))).toEqual(raw);
      }),
      { numRuns: 300 },
    );
  });

  it('a burst read split into any smaller reads gives the same bytes', () => {
    fc.assert(
      fc.property(rawArb, fc.array(fc.integer({ min: 1, max: 13 }), { maxLength: 6 }), (raw, rawCuts) => {
        const chip = awakeChip();
        chip.latch(raw);
        const cuts = [...new Set(rawCuts)].sort((a, b) => a - b);
        chip.write(pointerWrite(REG_ACCEL_XOUT_H));
        const pieces: number[] = [];
        let at = 0;
        for (const cut of [...cuts, MPU6050_BURST_LENGTH]) {
          pieces.push(...chip.readFromPointer(cut - at));
          at = cut;
        }
        expect(Uint8Array.from(pieces)).toEqual(encodeBurst(raw));
      }),
    );
  });
});
