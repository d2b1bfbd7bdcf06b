import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADC_12_BIT,
  BATTERY_MONITOR_CONFIG,
  BUS_CNVR,
  BUS_OVF,
  CONFIG_POWER_ON,
  Ina219Registers,
  MODE_SHUNT_AND_BUS_CONTINUOUS,
  REG_BUS_VOLTAGE,
  REG_CALIBRATION,
  REG_CONFIG,
  REG_CURRENT,
  REG_POWER,
  REG_SHUNT_VOLTAGE,
  adcConversionTimeUs,
  calibrationFor,
  calibrationValue,
  convert,
  currentLsbForCalibration,
  decodeBusVoltage,
  decodeConfig,
  decodeCurrentA,
  decodePowerW,
  decodeRegister,
  decodeShuntVoltageV,
  encodeConfig,
  pointerWrite,
  registerWrite,
  toSigned16,
  type Ina219Config,
} from './codec.js';

/**
 * The datasheet's worked example, register by register: INA219 datasheet SBOS448F,
 * "Configure/Measure/Calculate Example", Table 3. Conditions: 10 A load, 12 V common mode,
 * R_SHUNT = 2 mΩ, shunt FSR 40 mV, bus FSR 16 V, Current_LSB chosen as 1 mA.
 */
const EXAMPLE = {
  shuntOhms: 0.002,
  currentLsbA: 0.001,
  /** Step 1: configuration 019Fh: BRNG 0 (16 V), PG 00 (±40 mV), BADC 0011, SADC 0011, MODE 111. */
  config: [0x01, 0x9f],
  /** Step 2: shunt 07D0h = 2000 × 10 µV = 20 mV. */
  shunt: [0x07, 0xd0],
  /** Step 3: bus 5D98h; bits 15..3 = 0BB3h = 2995 × 4 mV = 11.98 V. */
  bus: [0x5d, 0x98],
  /** Step 4: calibration 5000h = 20480. */
  calibration: [0x50, 0x00],
  /** Step 5: current 2710h = 10000 × 1 mA = 10.0 A. */
  current: [0x27, 0x10],
  /** Step 6: power 1766h = 5990 × 20 mW = 119.8 W. */
  power: [0x17, 0x66],
} as const;

const EXAMPLE_CONFIG: Ina219Config = { busRangeV: 16, shuntRangeMv: 40, busAdc: 3, shuntAdc: 3, mode: 7 };

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const word = (pair: readonly number[]): number => (pair[0] as number) * 256 + (pair[1] as number);

describe('INA219 against the datasheet example (SBOS448F Table 3)', () => {
  it('step 1: the configuration register', () => {
    expect(encodeConfig(EXAMPLE_CONFIG)).toBe(word(EXAMPLE.config));
    expect(decodeConfig(word(EXAMPLE.config))).toEqual(EXAMPLE_CONFIG);
    expect(registerWrite(REG_CONFIG, encodeConfig(EXAMPLE_CONFIG))).toEqual(bytes(0x00, ...EXAMPLE.config));
  });

  it('step 4: Cal = trunc(0.04096 / (Current_LSB × R_SHUNT)) = 20480', () => {
    expect(calibrationValue(EXAMPLE.currentLsbA, EXAMPLE.shuntOhms)).toBe(word(EXAMPLE.calibration));
    expect(Math.trunc(0.04096 / (0.001 * 0.002) + 1e-9)).toBe(20480);
    expect(currentLsbForCalibration(20480, EXAMPLE.shuntOhms)).toBeCloseTo(0.001, 12);
    expect(registerWrite(REG_CALIBRATION, 20480)).toEqual(bytes(0x05, ...EXAMPLE.calibration));
  });

  it('steps 2, 3, 5, 6: decodes the registers to 20 mV, 11.98 V, 10 A and 119.8 W', () => {
    const shunt = decodeRegister(bytes(...EXAMPLE.shunt));
    const bus = decodeRegister(bytes(...EXAMPLE.bus));
    const current = decodeRegister(bytes(...EXAMPLE.current));
    const power = decodeRegister(bytes(...EXAMPLE.power));
    if (shunt === null || bus === null || current === null || power === null) throw new Error('not decoded');
    expect(decodeShuntVoltageV(shunt)).toBeCloseTo(0.02, 12);
    expect(decodeBusVoltage(bus)).toEqual({
      voltageV: expect.closeTo(11.98, 9),
      conversionReady: false,
      overflow: false,
    });
    expect(decodeCurrentA(current, EXAMPLE.currentLsbA)).toBeCloseTo(10.0, 9);
    expect(decodePowerW(power, EXAMPLE.currentLsbA)).toBeCloseTo(119.8, 9);
  });

  it('computes the example current and power registers as the chip does (Equations 4 and 5)', () => {
    const result = convert(EXAMPLE_CONFIG, 20480, 0.02, 11.98);
    expect(result.shunt).toBe(word(EXAMPLE.shunt));
    expect(result.busCount << 3).toBe(word(EXAMPLE.bus));
    expect(result.current).toBe(word(EXAMPLE.current));
    expect(result.power).toBe(word(EXAMPLE.power));
    expect(result.overflow).toBe(false);
    // Independently: 2000 × 20480 / 4096 = 10000; 10000 × 2995 / 5000 = 5990.
    expect((2000 * 20480) / 4096).toBe(result.current);
    expect((10000 * 2995) / 5000).toBe(result.power);
  });

  it('the register file reproduces the example from the same writes and inputs', () => {
    const chip = new Ina219Registers();
    chip.write(bytes(REG_CONFIG, ...EXAMPLE.config));
    chip.write(bytes(REG_CALIBRATION, ...EXAMPLE.calibration));
    chip.convert(0.02, 11.98);
    const read = (register: number): number[] => {
      chip.write(pointerWrite(register));
      return [...chip.readFromPointer(2)];
    };
    expect(read(REG_SHUNT_VOLTAGE)).toEqual(EXAMPLE.shunt);
    expect(read(REG_CURRENT)).toEqual(EXAMPLE.current);
    expect(read(REG_POWER)).toEqual(EXAMPLE.power);
    // The table shows the bus register with CNVR clear: reading the power register clears it.
    expect(read(REG_BUS_VOLTAGE)).toEqual(EXAMPLE.bus);
    expect(read(REG_CALIBRATION)).toEqual(EXAMPLE.calibration);
  });
});

describe('INA219 configuration and calibration', () => {
  it('the battery-monitor setup is the power-on configuration 399Fh (SBOS448G §8.6.2.1)', () => {
    expect(encodeConfig(BATTERY_MONITOR_CONFIG)).toBe(CONFIG_POWER_ON);
    expect(CONFIG_POWER_ON).toBe(0b0011_1001_1001_1111);
    expect(decodeConfig(0x399f)).toEqual({
      busRangeV: 32,
      shuntRangeMv: 320,
      busAdc: ADC_12_BIT,
      shuntAdc: ADC_12_BIT,
      mode: MODE_SHUNT_AND_BUS_CONTINUOUS,
    });
  });

  it('rejects fields the register cannot hold', () => {
    expect(() => encodeConfig({ ...EXAMPLE_CONFIG, shuntRangeMv: 50 as 40 })).toThrow(RangeError);
    expect(() => encodeConfig({ ...EXAMPLE_CONFIG, busRangeV: 24 as 16 })).toThrow(RangeError);
    expect(() => encodeConfig({ ...EXAMPLE_CONFIG, mode: 8 })).toThrow(RangeError);
    expect(() => calibrationValue(0, 0.1)).toThrow(RangeError);
    expect(() => calibrationFor(0.1, -1)).toThrow(RangeError);
  });

  it('calibrates 0.1 Ω / 3.2 A at the minimum LSB, 3.2 A / 2^15 (Equation 2), and works the LSB back from Cal', () => {
    const { calibration, currentLsbA, powerLsbW } = calibrationFor(0.1, 3.2);
    expect(calibration).toBe(Math.trunc(0.04096 / ((3.2 / 32768) * 0.1))); // 4194
    expect(calibration).toBe(4194);
    expect(currentLsbA).toBeCloseTo(0.04096 / (4194 * 0.1), 15);
    expect(powerLsbW).toBeCloseTo(20 * currentLsbA, 15);
    expect(32767 * currentLsbA).toBeGreaterThanOrEqual(3.2);
  });

  it('keeps Cal even (bit 0 is void) and within the register', () => {
    expect(calibrationValue(1 / 32768, 0.1)).toBe(13421);
    expect(calibrationFor(0.1, 1).calibration).toBe(13420);
    expect(calibrationFor(0.1, 0.01).calibration).toBe(0xfffe);
    expect(calibrationValue(400 / 32768, 0.001)).toBe(3355);
    expect(calibrationFor(0.001, 400).calibration).toBe(3354);
  });

  it('gives the conversion time of each ADC setting', () => {
    expect([0, 1, 2, 3, 8, 9, 15].map(adcConversionTimeUs)).toEqual([84, 148, 276, 532, 532, 1060, 68100]);
    expect(adcConversionTimeUs(0x7)).toBe(532);
  });
});

describe('INA219 register decoding', () => {
  it('a register is two bytes, MSB first; anything else is not a value', () => {
    expect(decodeRegister(bytes(0x12, 0x34))).toBe(0x1234);
    expect(decodeRegister(bytes(0x12))).toBeNull();
    expect(decodeRegister(bytes(0x12, 0x34, 0x56))).toBeNull();
    expect(decodeRegister(new Uint8Array(0))).toBeNull();
  });

  it('reads signed registers as two’s complement', () => {
    expect(toSigned16(0xffff)).toBe(-1);
    expect(toSigned16(0x8000)).toBe(-32768);
    expect(decodeShuntVoltageV(0xf830)).toBeCloseTo(-0.02, 12); // -2000 × 10 µV
    expect(decodeCurrentA(0xd8f0, 0.001)).toBeCloseTo(-10, 9);
  });

  it('splits the bus register into the voltage and the CNVR and OVF flags', () => {
    expect(decodeBusVoltage((3150 << 3) | BUS_CNVR)).toEqual({
      voltageV: expect.closeTo(12.6, 9),
      conversionReady: true,
      overflow: false,
    });
    expect(decodeBusVoltage(BUS_OVF).overflow).toBe(true);
  });

  it('never throws on random bytes; only two-byte answers are values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), (input) => {
        const value = decodeRegister(input);
        expect(value === null).toBe(input.length !== 2);
        if (value !== null) {
          expect(registerWrite(0, value).subarray(1)).toEqual(input);
          decodeBusVoltage(value);
          expect(Number.isFinite(decodeCurrentA(value, 1e-4))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('INA219 arithmetic', () => {
  it('limits the shunt to the PGA range and the bus to its range', () => {
    const config = decodeConfig(CONFIG_POWER_ON);
    expect(convert(config, 4194, 0.5, 40).shunt).toBe(32000);
    expect(convert(config, 4194, -0.5, -1).shunt).toBe(-32000 & 0xffff);
    expect(convert(config, 4194, 0, 40).busCount).toBe(8000);
    expect(convert(config, 4194, 0, -1).busCount).toBe(0);
    expect(convert({ ...config, shuntRangeMv: 40, busRangeV: 16 }, 4194, 0.05, 20)).toMatchObject({
      shunt: 4000,
      busCount: 4000,
    });
  });

  it('sets OVF and saturates when the current does not fit the register', () => {
    const config = decodeConfig(CONFIG_POWER_ON);
    const result = convert(config, 0xfffe, 0.3, 12);
    expect(result.overflow).toBe(true);
    expect(result.current).toBe(0x7fff);
    expect(convert(config, 4194, 0.3, 12).overflow).toBe(false);
  });

  it('gives negative current for a negative shunt voltage, and positive power', () => {
    const result = convert(decodeConfig(CONFIG_POWER_ON), 4194, -0.1, 12);
    expect(decodeCurrentA(result.current, currentLsbForCalibration(4194, 0.1))).toBeCloseTo(-1, 3);
    expect(decodePowerW(result.power, currentLsbForCalibration(4194, 0.1))).toBeCloseTo(12, 1);
  });

  it('reads zero current and power while uncalibrated', () => {
    expect(convert(decodeConfig(CONFIG_POWER_ON), 0, 0.1, 12)).toMatchObject({ current: 0, power: 0, overflow: false });
  });

  it('any current within range reads back to within one LSB for any shunt and calibration', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 26, noNaN: true }),
        (shuntOhms, maxFraction, fraction, busV) => {
          const maxCurrentA = (0.32 / shuntOhms) * maxFraction;
          const { calibration, currentLsbA, powerLsbW } = calibrationFor(shuntOhms, maxCurrentA);
          const currentA = fraction * maxCurrentA;
          const result = convert(decodeConfig(CONFIG_POWER_ON), calibration, currentA * shuntOhms, busV);
          if (result.overflow) return;
          const shuntA = (toSigned16(result.shunt) * 10e-6) / shuntOhms;
          expect(Math.abs(decodeCurrentA(result.current, currentLsbA) - shuntA)).toBeLessThanOrEqual(
            currentLsbA * 1.000001,
          );
          const powerW = Math.abs(decodeCurrentA(result.current, currentLsbA)) * result.busCount * 0.004;
          expect(Math.abs(decodePowerW(result.power, currentLsbA) - powerW)).toBeLessThanOrEqual(powerLsbW * 1.000001);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('INA219 register file', () => {
  it('powers on with configuration 399Fh and every other register 0', () => {
    const chip = new Ina219Registers();
    expect(chip.readFromPointer(2)).toEqual(bytes(0x39, 0x9f));
    for (const register of [1, 2, 3, 4, 5]) expect(chip.value(register)).toBe(0);
    expect(chip.continuous).toBe(true);
    expect(chip.conversionTimeUs).toBe(1064);
  });

  it('stores three-byte writes in the writable registers only; a shorter write only moves the pointer', () => {
    const chip = new Ina219Registers();
    chip.write(bytes(REG_CALIBRATION, 0x10, 0x63));
    expect(chip.value(REG_CALIBRATION)).toBe(0x1062); // bit 0 is void
    chip.write(bytes(REG_CURRENT, 0x12, 0x34));
    expect(chip.value(REG_CURRENT)).toBe(0);
    chip.write(bytes(REG_CONFIG, 0x01));
    expect(chip.pointer).toBe(REG_CONFIG);
    expect(chip.value(REG_CONFIG)).toBe(CONFIG_POWER_ON);
    chip.write(bytes(REG_CONFIG, 0x41, 0x9f, 0xff));
    expect(chip.value(REG_CONFIG)).toBe(0x019f); // bit 14 unused, extra byte ignored
  });

  it('keeps the pointer: repeated reads return the same register (§8.5.6)', () => {
    const chip = new Ina219Registers();
    chip.write(registerWrite(REG_CALIBRATION, 4194));
    expect(chip.readFromPointer(2)).toEqual(bytes(0x10, 0x62));
    expect(chip.readFromPointer(2)).toEqual(bytes(0x10, 0x62));
    expect(chip.readFromPointer(4)).toEqual(bytes(0x10, 0x62, 0x10, 0x62));
    chip.write(pointerWrite(9));
    expect(chip.readFromPointer(2)).toEqual(bytes(0, 0));
  });

  it('RST restores the power-on values', () => {
    const chip = new Ina219Registers();
    chip.write(registerWrite(REG_CALIBRATION, 4194));
    chip.write(registerWrite(REG_CONFIG, 0x019f));
    chip.convert(0.1, 12);
    chip.write(registerWrite(REG_CONFIG, 0x8000));
    expect([0, 1, 2, 3, 4, 5].map((r) => chip.value(r))).toEqual([0x399f, 0, 0, 0, 0, 0]);
  });

  it('sets CNVR at each conversion; reading power or writing a converting mode clears it', () => {
    const chip = new Ina219Registers();
    chip.write(registerWrite(REG_CALIBRATION, 4194));
    chip.convert(0.1, 12);
    expect(chip.value(REG_BUS_VOLTAGE) & BUS_CNVR).toBe(BUS_CNVR);
    chip.write(pointerWrite(REG_CURRENT));
    chip.readFromPointer(2);
    expect(chip.value(REG_BUS_VOLTAGE) & BUS_CNVR).toBe(BUS_CNVR);
    chip.write(pointerWrite(REG_POWER));
    chip.readFromPointer(2);
    expect(chip.value(REG_BUS_VOLTAGE) & BUS_CNVR).toBe(0);
    chip.convert(0.1, 12);
    chip.write(registerWrite(REG_CONFIG, CONFIG_POWER_ON));
    expect(chip.value(REG_BUS_VOLTAGE) & BUS_CNVR).toBe(0);
    expect(decodeBusVoltage(chip.value(REG_BUS_VOLTAGE)).voltageV).toBeCloseTo(12, 9);
  });

  it('converts once per trigger in triggered modes, never when powered down', () => {
    const chip = new Ina219Registers();
    chip.write(registerWrite(REG_CONFIG, 0x399b)); // MODE 011: shunt and bus, triggered
    expect(chip.continuous).toBe(false);
    expect(chip.triggered).toBe(true);
    chip.convert(0.05, 11);
    expect(chip.triggered).toBe(false);
    expect(decodeShuntVoltageV(chip.value(REG_SHUNT_VOLTAGE))).toBeCloseTo(0.05, 9);
    chip.write(registerWrite(REG_CONFIG, 0x3998)); // MODE 000: power-down
    chip.convert(0.2, 5);
    expect(decodeShuntVoltageV(chip.value(REG_SHUNT_VOLTAGE))).toBeCloseTo(0.05, 9);
    chip.write(registerWrite(REG_CONFIG, 0x399e)); // MODE 110: bus only, continuous
    chip.convert(0.2, 5);
    expect(decodeShuntVoltageV(chip.value(REG_SHUNT_VOLTAGE))).toBeCloseTo(0.05, 9);
    expect(decodeBusVoltage(chip.value(REG_BUS_VOLTAGE)).voltageV).toBeCloseTo(5, 9);
    expect(chip.conversionTimeUs).toBe(532);
  });

  it('never throws on random transactions, and a pointer write always reads the right register', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 20 }),
        fc.integer({ min: 2, max: 0xfffe }).map((c) => c & 0xfffe),
        (writes, calibration) => {
          const chip = new Ina219Registers();
          for (const write of writes) {
            chip.write(write);
            chip.readFromPointer(write.length % 4);
            chip.convert(0.01 * write.length, 12);
          }
          chip.write(registerWrite(REG_CALIBRATION, calibration));
          chip.write(pointerWrite(REG_CALIBRATION));
          expect(decodeRegister(chip.readFromPointer(2))).toBe(calibration);
          chip.write(pointerWrite(REG_CONFIG));
          const config = decodeRegister(chip.readFromPointer(2)) ?? -1;
          expect(config & 0xc000).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
