import createDebug from 'debug';
import { Ina219Registers, REG_CONFIG } from '../../hal/battery/ina219/codec.js';
import type { Ina219Params } from '../../hal/battery/ina219/params.js';
import { SimBusError } from './sim-device.js';
import type { SimI2cDevice, SimStuckable, SimWorldView } from './sim-device.js';

const log = createDebug('spinal:sim:ina219');

/**
 * The battery and loads a simulated INA219 measures when the world gives it no battery pack
 * (`SimWorldView.battery`); with one, the pack's voltage, resistance and current are used instead.
 */
export interface Ina219SimOptions {
  /** Open-circuit voltage of the full battery, volts. Default 12.6 (a charged 3S lithium pack). */
  fullVoltageV?: number;
  /** Internal resistance of the battery, ohms: the voltage sags by this times the current. Default 0.1. */
  internalOhms?: number;
  /** Current drawn by everything but the drive motors (computer, sensors), amperes. Default 0.3. */
  electronicsLoadA?: number;
  /** The shunt actually fitted, ohms. Default `params.shuntOhms` (the one the driver calibrates for). */
  shuntOhms?: number;
}

/** A simulated INA219 on a battery, plus the hooks scenarios use (battery sag, faults). */
export interface Ina219SimDevice extends SimI2cDevice, SimStuckable {
  /** The chip's registers, for inspection. */
  readonly registers: Ina219Registers;
  /**
   * Moves the chip's time to `toUs`: in a converting mode, a conversion of the battery's state now
   * finishes whenever a conversion time has passed since the last one. The world calls it every
   * physics step, as it asks serial devices for their output.
   */
  advance(toUs: number, world: SimWorldView): void;
  /**
   * Sets the battery's open-circuit voltage now, volts: from then on it reads the pack's voltage
   * shifted so that it is `volts` now (with no pack, `volts` itself), and keeps sagging at the set rate.
   */
  setBatteryVoltage(volts: number): void;
  /**
   * The open-circuit voltage it reads falls by this many volts per second of sim time from now on,
   * on top of the pack's own fall as it is drained (0 stops it, what has sagged stays). Default 0.
   */
  setSagPerSecond(voltsPerSecond: number): void;
  /** The battery's open-circuit voltage at the last step, volts. */
  batteryVoltageV(): number;
  /** While false the chip acknowledges nothing: every transfer fails with EREMOTEIO. Default true. */
  setResponding(responding: boolean): void;
  /** The chip loses power and comes back: registers to power-on values (calibration 0). */
  powerCycle(): void;
}

/**
 * An INA219 on the high side of the robot's battery, on a simulated I2C bus. Transfers go to its
 * register file exactly as on the chip (pointer, three-byte writes, RST, CNVR cleared by reading
 * power). The circuit: battery (open-circuit voltage, internal resistance) → IN+ → shunt → IN− →
 * loads. The battery is the world's pack (`world.battery`: its voltage follows its state of
 * charge, its current is the motors' and the electronics'), or without one a fixed battery of
 * `options` drawing `world.motorCurrentA()` plus the electronics' constant draw. The shunt reads
 * I × R_shunt and the bus IN− = V_oc − I × (R_internal + R_shunt), where V_oc is the battery's
 * voltage plus the offset `setBatteryVoltage` and a `sag` fault add. Each conversion
 * stores them and computes current and power from the written calibration with the chip's own
 * integer arithmetic (`convert` in the codec).
 * @param busPath Bus the chip sits on, e.g. `/dev/i2c-1`.
 * @param address 7-bit address, 0x40..0x4F.
 * @param params The device node's params (its shunt is the one fitted unless `options.shuntOhms` says otherwise).
 */
export function createIna219SimDevice(
  busPath: string,
  address: number,
  params: Ina219Params,
  options: Ina219SimOptions = {},
): Ina219SimDevice {
  const fullVoltageV = options.fullVoltageV ?? 12.6;
  const internalOhms = options.internalOhms ?? 0.1;
  const electronicsLoadA = options.electronicsLoadA ?? 0.3;
  const shuntOhms = options.shuntOhms ?? params.shuntOhms;
  if (!(fullVoltageV >= 0)) throw new RangeError(`fullVoltageV must be >= 0, got ${fullVoltageV}`);
  if (!(internalOhms >= 0)) throw new RangeError(`internalOhms must be >= 0, got ${internalOhms}`);
  if (!(electronicsLoadA >= 0)) throw new RangeError(`electronicsLoadA must be >= 0, got ${electronicsLoadA}`);
  if (!(shuntOhms > 0)) throw new RangeError(`shuntOhms must be > 0, got ${shuntOhms}`);

  const registers = new Ina219Registers();
  const name = `${busPath} 0x${address.toString(16)}`;
  let responding = true;
  let stuck = false;
  let nowUs = 0;
  /** The battery's own open-circuit voltage at the last step (the pack's, or `fullVoltageV`). */
  let batteryV = fullVoltageV;
  /** What is added to the battery's voltage at `referenceUs`, and its fall per second after that. */
  let referenceOffsetV = 0;
  let referenceUs = 0;
  let sagVps = 0;
  /** When the conversion under way started (a configuration write restarts it). */
  let conversionStartUs: number | undefined;

  const offsetV = (atUs: number): number => referenceOffsetV - (sagVps * (atUs - referenceUs)) / 1e6;
  const openCircuitV = (atUs: number): number => Math.max(0, batteryV + offsetV(atUs));

  return {
    kind: 'i2c',
    busPath,
    address,
    registers,
    transfer(write: Uint8Array | null, readLength: number, simTimeUs: number): Uint8Array {
      if (!responding) throw new SimBusError('EREMOTEIO', `no acknowledge from ${name}`);
      if (write && write.length > 0) {
        registers.write(write);
        if (write[0] === REG_CONFIG && write.length >= 3) conversionStartUs = simTimeUs;
      }
      return registers.readFromPointer(readLength);
    },
    advance(toUs: number, world: SimWorldView): void {
      nowUs = toUs;
      const pack = world.battery;
      batteryV = pack ? pack.openCircuitV() : fullVoltageV;
      if (!registers.continuous && !registers.triggered) return;
      conversionStartUs ??= toUs;
      if (toUs - conversionStartUs < registers.conversionTimeUs) return;
      conversionStartUs = toUs;
      if (stuck) return;
      const currentA = pack ? pack.currentA() : world.motorCurrentA() + electronicsLoadA;
      const shuntV = currentA * shuntOhms;
      const busV = openCircuitV(toUs) - currentA * (pack ? pack.internalOhms : internalOhms) - shuntV;
      registers.convert(shuntV, busV);
    },
    setBatteryVoltage(volts: number): void {
      if (!(volts >= 0) || !Number.isFinite(volts))
        throw new RangeError(`battery voltage must be >= 0 V, got ${volts}`);
      log('%s: battery at %d V', name, volts);
      referenceOffsetV = volts - batteryV;
      referenceUs = nowUs;
    },
    setSagPerSecond(voltsPerSecond: number): void {
      if (!Number.isFinite(voltsPerSecond)) throw new RangeError(`sag must be finite V/s, got ${voltsPerSecond}`);
      log('%s: battery sagging %d V/s', name, voltsPerSecond);
      referenceOffsetV = offsetV(nowUs);
      referenceUs = nowUs;
      sagVps = voltsPerSecond;
    },
    batteryVoltageV(): number {
      return openCircuitV(nowUs);
    },
    setStuck(value: boolean): void {
      log('%s: %s', name, value ? 'stuck' : 'unstuck');
      stuck = value;
    },
    setResponding(value: boolean): void {
      log('%s: %s', name, value ? 'responding' : 'not responding');
      responding = value;
    },
    powerCycle(): void {
      log('%s: power cycle', name);
      registers.powerOn();
      conversionStartUs = undefined;
    },
  };
}
