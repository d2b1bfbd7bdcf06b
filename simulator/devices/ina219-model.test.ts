import { describe, expect, it } from 'vitest';
import {
  BUS_CNVR,
  CONFIG_POWER_ON,
  REG_BUS_VOLTAGE,
  REG_CALIBRATION,
  REG_CONFIG,
  REG_CURRENT,
  REG_POWER,
  REG_SHUNT_VOLTAGE,
  calibrationFor,
  decodeBusVoltage,
  decodeCurrentA,
  decodePowerW,
  decodeRegister,
  decodeShuntVoltageV,
  pointerWrite,
  registerWrite,
} from '../../hal/battery/ina219/codec.js';
import { ina219ParamsSchema } from '../../hal/battery/ina219/params.js';
import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { createIna219SimDevice } from './ina219-model.js';
import type { Ina219SimDevice, Ina219SimOptions } from './ina219-model.js';
import { SimBusError } from './sim-device.js';
import type { SimWorldView } from './sim-device.js';

const PARAMS = ina219ParamsSchema.parse({});
const CAL = calibrationFor(PARAMS.shuntOhms, PARAMS.maxCurrentA);

function device(options: Ina219SimOptions = {}): Ina219SimDevice {
  return createIna219SimDevice('/dev/i2c-1', 0x40, PARAMS, options);
}

/** What the driver writes at start. */
function calibrate(chip: Ina219SimDevice, atUs = 0): void {
  chip.transfer(registerWrite(REG_CONFIG, 0x8000), 0, atUs);
  chip.transfer(registerWrite(REG_CONFIG, CONFIG_POWER_ON), 0, atUs);
  chip.transfer(registerWrite(REG_CALIBRATION, CAL.calibration), 0, atUs);
}

function read(chip: Ina219SimDevice, register: number): number {
  const value = decodeRegister(chip.transfer(pointerWrite(register), 2, 0));
  if (value === null) throw new Error('short read');
  return value;
}

function drawing(motorA: number): SimWorldView {
  return fakeWorldView({ motorCurrentA: () => motorA });
}

/** Advances in 1 ms steps, as the world's physics does. */
function runTo(chip: Ina219SimDevice, fromUs: number, toUs: number, world: SimWorldView): void {
  for (let t = fromUs; t <= toUs; t += 1_000) chip.advance(t, world);
}

describe('simulated INA219', () => {
  it('sits at its bus and address with the power-on registers', () => {
    const chip = device();
    expect(chip).toMatchObject({ kind: 'i2c', busPath: '/dev/i2c-1', address: 0x40 });
    expect(read(chip, REG_CONFIG)).toBe(0x399f);
    expect(read(chip, REG_CALIBRATION)).toBe(0);
  });

  it('measures a full battery sagging under the motors plus the 0.3 A electronics', () => {
    const chip = device();
    calibrate(chip);
    runTo(chip, 0, 5_000, drawing(2));
    // 2.3 A: shunt 0.23 V; IN− = 12.6 − 2.3 × 0.1 (internal) − 0.23 (shunt) = 12.14 V.
    expect(decodeShuntVoltageV(read(chip, REG_SHUNT_VOLTAGE))).toBeCloseTo(0.23, 6);
    expect(decodeBusVoltage(read(chip, REG_BUS_VOLTAGE)).voltageV).toBeCloseTo(12.14, 2);
    const currentA = decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA);
    expect(Math.abs(currentA - 2.3)).toBeLessThanOrEqual(CAL.currentLsbA);
    const powerW = decodePowerW(read(chip, REG_POWER), CAL.currentLsbA);
    expect(Math.abs(powerW - 2.3 * 12.14)).toBeLessThanOrEqual(CAL.powerLsbW * 2);
    expect(chip.batteryVoltageV()).toBe(12.6);
  });

  it('finishes a conversion every shunt + bus conversion time (2 × 532 µs at 12 bits)', () => {
    const chip = device();
    calibrate(chip, 0);
    chip.advance(1_000, drawing(1));
    expect(read(chip, REG_BUS_VOLTAGE) & BUS_CNVR).toBe(0);
    expect(read(chip, REG_CURRENT)).toBe(0);
    chip.advance(1_064, drawing(1));
    expect(read(chip, REG_BUS_VOLTAGE) & BUS_CNVR).toBe(BUS_CNVR);
    read(chip, REG_POWER);
    expect(read(chip, REG_BUS_VOLTAGE) & BUS_CNVR).toBe(0);
    chip.advance(2_000, drawing(1));
    expect(read(chip, REG_BUS_VOLTAGE) & BUS_CNVR).toBe(0);
    chip.advance(2_128, drawing(1));
    expect(read(chip, REG_BUS_VOLTAGE) & BUS_CNVR).toBe(BUS_CNVR);
  });

  it('reads no current or power until calibrated, as the chip', () => {
    const chip = device();
    runTo(chip, 0, 5_000, drawing(1));
    expect(read(chip, REG_CURRENT)).toBe(0);
    expect(read(chip, REG_POWER)).toBe(0);
    expect(decodeShuntVoltageV(read(chip, REG_SHUNT_VOLTAGE))).toBeCloseTo(0.13, 6);
  });

  it('converts once for a triggered mode', () => {
    const chip = device();
    calibrate(chip);
    chip.transfer(registerWrite(REG_CONFIG, 0x399b), 0, 10_000); // MODE 011: shunt and bus, triggered
    runTo(chip, 11_000, 13_000, drawing(1));
    expect(decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA)).toBeCloseTo(1.3, 3);
    runTo(chip, 14_000, 20_000, drawing(2));
    expect(decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA)).toBeCloseTo(1.3, 3);
  });

  it('follows setBatteryVoltage and setSagPerSecond over sim time', () => {
    const chip = device({ internalOhms: 0, electronicsLoadA: 0 });
    calibrate(chip);
    chip.advance(0, drawing(0));
    chip.setBatteryVoltage(11.1);
    chip.setSagPerSecond(0.1);
    runTo(chip, 1_000, 10_000_000, drawing(0));
    expect(chip.batteryVoltageV()).toBeCloseTo(10.1, 6);
    expect(decodeBusVoltage(read(chip, REG_BUS_VOLTAGE)).voltageV).toBeCloseTo(10.1, 2);
    chip.setSagPerSecond(0);
    runTo(chip, 10_001_000, 12_000_000, drawing(0));
    expect(chip.batteryVoltageV()).toBeCloseTo(10.1, 6);
    chip.setSagPerSecond(100);
    runTo(chip, 12_001_000, 13_000_000, drawing(0));
    expect(chip.batteryVoltageV()).toBe(0);
  });

  it("reads the world's battery pack when there is one: its voltage, resistance and whole current", () => {
    const chip = device();
    calibrate(chip);
    let packV = 11.5;
    const world = fakeWorldView({
      motorCurrentA: () => 5,
      battery: { openCircuitV: () => packV, internalOhms: 0.05, currentA: () => 1.5 },
    });
    runTo(chip, 0, 5_000, world);
    // 1.5 A (the pack's, not the motors' 5 A plus the option's 0.3 A): IN− = 11.5 − 1.5 × 0.05 − 0.15 = 11.275 V.
    expect(decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA)).toBeCloseTo(1.5, 3);
    expect(decodeBusVoltage(read(chip, REG_BUS_VOLTAGE)).voltageV).toBeCloseTo(11.275, 2);
    expect(chip.batteryVoltageV()).toBe(11.5);
    packV = 11.2;
    runTo(chip, 6_000, 10_000, world);
    expect(chip.batteryVoltageV()).toBe(11.2);
  });

  it("with a pack, a sag fault falls on top of the pack's own fall, and setBatteryVoltage shifts the pack's voltage", () => {
    const chip = device();
    calibrate(chip);
    let packV = 12;
    const world = fakeWorldView({ battery: { openCircuitV: () => packV, internalOhms: 0, currentA: () => 0 } });
    chip.advance(0, world);
    chip.setSagPerSecond(0.25);
    runTo(chip, 1_000, 2_000_000, world);
    expect(chip.batteryVoltageV()).toBeCloseTo(11.5, 6);
    packV = 11.9;
    chip.setSagPerSecond(0);
    runTo(chip, 2_001_000, 3_000_000, world);
    expect(chip.batteryVoltageV()).toBeCloseTo(11.4, 6);
    chip.setBatteryVoltage(11);
    packV = 10.8;
    runTo(chip, 3_001_000, 4_000_000, world);
    // 11 V when the pack was at 11.9 V: 0.9 V below the pack from then on.
    expect(chip.batteryVoltageV()).toBeCloseTo(9.9, 6);
  });

  it('keeps reporting its last values while stuck', () => {
    const chip = device();
    calibrate(chip);
    runTo(chip, 0, 5_000, drawing(1));
    chip.setStuck(true);
    runTo(chip, 6_000, 20_000, drawing(2.5));
    expect(decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA)).toBeCloseTo(1.3, 3);
    chip.setStuck(false);
    runTo(chip, 21_000, 25_000, drawing(2.5));
    expect(decodeCurrentA(read(chip, REG_CURRENT), CAL.currentLsbA)).toBeCloseTo(2.8, 3);
  });

  it('can stop acknowledging and lose power (calibration gone), for fault scenarios', () => {
    const chip = device();
    calibrate(chip);
    chip.setResponding(false);
    expect(() => chip.transfer(pointerWrite(REG_CONFIG), 2, 0)).toThrow(SimBusError);
    expect(() => chip.transfer(pointerWrite(REG_CONFIG), 2, 0)).toThrow(/EREMOTEIO/);
    chip.setResponding(true);
    chip.powerCycle();
    expect(read(chip, REG_CALIBRATION)).toBe(0);
  });

  it('has the shunt the params say unless told otherwise', () => {
    const chip = createIna219SimDevice('/dev/i2c-1', 0x41, ina219ParamsSchema.parse({ shuntOhms: 0.05 }), {
      electronicsLoadA: 0,
    });
    runTo(chip, 0, 2_000, drawing(2));
    expect(decodeShuntVoltageV(read(chip, REG_SHUNT_VOLTAGE))).toBeCloseTo(0.1, 6);
    expect(() => device({ shuntOhms: 0 })).toThrow(RangeError);
    expect(() => device().setBatteryVoltage(-1)).toThrow(RangeError);
  });
});
