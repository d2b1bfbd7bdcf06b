/**
 * Fuzzing the I2C and GPIO device codecs: the MPU6050, INA219 and PCA9685 register files (the
 * simulator's side) under arbitrary transactions, the drivers' decoders of what they read, and the
 * quadrature decoder under arbitrary edge reports. Nothing throws; encode→decode is the identity.
 */
import { describe, expect, it } from 'vitest';
import { fc } from './fuzz-settings.js';
import { decodeBurst, encodeBurst, Mpu6050Registers, MPU6050_BURST_LENGTH } from '../../hal/imu/mpu6050/codec.js';
import {
  decodeBusVoltage,
  decodeConfig,
  decodeCurrentA,
  decodePowerW,
  decodeRegister,
  decodeShuntVoltageV,
  encodeConfig,
  Ina219Registers,
} from '../../hal/battery/ina219/codec.js';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  decodeTb6612,
  Pca9685Registers,
  tb6612Writes,
} from '../../hal/motor/pca9685-tb6612/codec.js';
import { bridgeInputs, decodeBridge } from '../../hal/motor/gpio-hbridge/codec.js';
import { QuadratureDecoder, quadratureLevelsAt } from '../../hal/encoder/quadrature/codec.js';

/** One I2C transaction against a register file: a write, or a read of a length that may be absurd. */
type Transaction =
  | { kind: 'write'; bytes: Uint8Array }
  | { kind: 'read'; length: number }
  | { kind: 'peek'; register: number; length: number };

const oddLength = fc.oneof(fc.integer({ min: -5, max: 64 }), fc.constantFrom(NaN, Infinity, 0.5));
const transaction: fc.Arbitrary<Transaction> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('read' as const), length: oddLength }),
  fc.record({ kind: fc.constant('peek' as const), register: fc.integer({ min: -300, max: 300 }), length: oddLength }),
);

interface RegisterFile {
  write(bytes: Uint8Array): void;
  readFromPointer(length: number): Uint8Array;
  read?(register: number, length: number): Uint8Array;
}

function survivesTransactions(make: () => RegisterFile): void {
  fc.assert(
    fc.property(fc.array(transaction, { maxLength: 30 }), (transactions) => {
      const file = make();
      for (const t of transactions) {
        if (t.kind === 'write') file.write(t.bytes);
        else if (t.kind === 'read') {
          const out = file.readFromPointer(t.length);
          expect(out.length).toBe(Number.isInteger(t.length) && t.length > 0 ? t.length : 0);
        } else file.read?.(t.register, t.length);
      }
    }),
  );
}

const int16 = fc.integer({ min: -32_768, max: 32_767 });
const vector = fc.record({ x: int16, y: int16, z: int16 });

describe('MPU6050 under fuzzing', () => {
  it('the register file survives arbitrary transactions', () => {
    survivesTransactions(() => {
      const file = new Mpu6050Registers();
      file.powerOn();
      return file;
    });
  });
  it('a burst of any bytes decodes, or is refused when not 14 bytes, and encodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
        const raw = decodeBurst(bytes);
        if (bytes.length !== MPU6050_BURST_LENGTH) expect(raw).toBeNull();
        else expect(encodeBurst(raw!)).toEqual(bytes);
      }),
    );
  });
  it('encode then decode is the identity', () => {
    fc.assert(
      fc.property(fc.record({ accel: vector, temperature: int16, gyro: vector }), (raw) => {
        expect(decodeBurst(encodeBurst(raw))).toEqual(raw);
      }),
    );
  });
});

describe('INA219 under fuzzing', () => {
  it('the register file survives arbitrary transactions', () => {
    survivesTransactions(() => {
      const file = new Ina219Registers();
      file.powerOn();
      return file;
    });
  });
  it('any register read decodes to finite numbers, or is refused when not 2 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (bytes, lsb) => {
        const value = decodeRegister(bytes);
        if (bytes.length !== 2) {
          expect(value).toBeNull();
          return;
        }
        expect(value).not.toBeNull();
        const v = value!;
        for (const n of [
          decodeShuntVoltageV(v),
          decodeCurrentA(v, lsb),
          decodePowerW(v, lsb),
          decodeBusVoltage(v).voltageV,
        ])
          expect(Number.isFinite(n)).toBe(true);
        // Bits 15 and 14 of the configuration are not fields: the rest reads back exactly.
        expect(encodeConfig(decodeConfig(v))).toBe(v & 0x3fff);
      }),
    );
  });
});

describe('PCA9685 and TB6612 under fuzzing', () => {
  it('the register file survives arbitrary transactions', () => {
    survivesTransactions(() => {
      const file = new Pca9685Registers();
      file.powerOn();
      return file;
    });
  });
  it('decodes every bridge command it encodes', () => {
    const command = fc.oneof(
      fc.record({
        mode: fc.constant('drive' as const),
        duty: fc.integer({ min: -4095, max: 4095 }).map((c) => c / 4095),
      }),
      fc.constant({ mode: 'brake' as const }),
      fc.constant({ mode: 'coast' as const }),
    );
    fc.assert(
      fc.property(command, fc.constantFrom('M1', 'M2', 'M3', 'M4'), (c, motor) => {
        const file = new Pca9685Registers();
        file.powerOn();
        file.write(Uint8Array.of(0x00, 0x20)); // MODE1: awake, auto-increment
        for (const write of tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, motor, c)) file.write(write);
        const state = decodeTb6612(file, ADAFRUIT_DC_MOTOR_HAT_PINS, motor);
        expect(state.mode).toBe(c.mode);
        if (c.mode === 'drive') expect(state.duty).toBeCloseTo(c.duty, 3);
      }),
    );
  });
});

describe('GPIO H-bridges under fuzzing', () => {
  it('decode every command they encode, for both chips', () => {
    const command = fc.oneof(
      fc.record({ mode: fc.constant('drive' as const), duty: fc.double({ min: -1, max: 1, noNaN: true }) }),
      fc.constant({ mode: 'brake' as const }),
      fc.constant({ mode: 'coast' as const }),
    );
    fc.assert(
      fc.property(fc.constantFrom('l298n' as const, 'tb6612fng' as const), command, (chip, c) => {
        const state = decodeBridge(chip, bridgeInputs(chip, c));
        const expected = c.mode === 'drive' && c.duty === 0 ? ['drive', 'coast', 'brake'] : [c.mode];
        expect(expected).toContain(state.mode);
        if (c.mode === 'drive' && state.mode === 'drive') expect(state.duty).toBeCloseTo(c.duty, 6);
      }),
    );
  });
});

describe('quadrature decoder under fuzzing', () => {
  const level = fc.oneof(fc.constantFrom(0, 1), fc.constantFrom(2, -1, NaN, 0.5));
  const report = fc.oneof(
    fc.tuple(fc.constant('A' as const), level),
    fc.tuple(fc.constant('B' as const), level),
    fc.tuple(fc.constant('both' as const), level, level),
    fc.constant(['unsync'] as const),
  );
  it('never throws on arbitrary edge reports, and its position stays an integer', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 60 }), (reports) => {
        const decoder = new QuadratureDecoder();
        for (const r of reports) {
          if (r[0] === 'A') decoder.edgeA(r[1]);
          else if (r[0] === 'B') decoder.edgeB(r[1]);
          else if (r[0] === 'both') decoder.levels(r[1], r[2]);
          else decoder.unsync();
        }
        expect(Number.isInteger(decoder.position())).toBe(true);
      }),
    );
  });
  it('counts any walk of single steps back to its net position', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.array(fc.constantFrom(-1, 1), { maxLength: 80 }),
        (start, steps) => {
          const decoder = new QuadratureDecoder();
          let at = start;
          const first = quadratureLevelsAt(at);
          decoder.levels(first.a, first.b);
          for (const step of steps) {
            at += step;
            const next = quadratureLevelsAt(at);
            decoder.levels(next.a, next.b);
          }
          expect(decoder.position()).toBe(at - start);
        },
      ),
    );
  });
});
