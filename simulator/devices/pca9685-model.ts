import createDebug from 'debug';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  Pca9685Registers,
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
  decodeTb6612,
} from '../../hal/motor/pca9685-tb6612/codec.js';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import type { Tb6612PinMap } from '../../hal/motor/pca9685-tb6612/codec.js';
import { SimBusError } from './sim-device.js';
import type { SimI2cDevice, SimMotorOutputs } from './sim-device.js';

const log = createDebug('spinal:sim:pca9685');

/** Which HAT's wiring the model has. */
export type MotorHatPinMapName = 'adafruit' | 'waveshare';

const PIN_MAPS: Record<MotorHatPinMapName, Tb6612PinMap> = {
  adafruit: ADAFRUIT_DC_MOTOR_HAT_PINS,
  waveshare: WAVESHARE_MOTOR_DRIVER_HAT_PINS,
};

/** A simulated motor HAT, plus the hooks scenarios use to inject faults. */
export interface MotorHatSimDevice extends SimI2cDevice, SimMotorOutputs {
  /** The chip's registers, for inspection. */
  readonly registers: Pca9685Registers;
  /** While false the chip acknowledges nothing: every transfer fails with EREMOTEIO. Default true. */
  setResponding(responding: boolean): void;
  /** The HAT loses power and comes back: registers to power-on values (asleep, outputs off). */
  powerCycle(): void;
}

/**
 * A PCA9685 motor HAT on a simulated I2C bus. Each transfer applies its write to the register
 * file (the first byte moves the register pointer) and answers its read from the pointer on,
 * auto-incrementing while MODE1.AI is set, as the chip does. `output('M1')` decodes the TB6612
 * inputs the chip's outputs drive: a sleeping or unconfigured chip gives coast.
 * @param busPath Bus the HAT sits on, e.g. `/dev/i2c-1`.
 * @param address 7-bit I2C address (0x60 Adafruit, 0x40 Waveshare by default).
 * @param pinMap Which HAT: motors `M1`..`M4` (adafruit) or `MA`, `MB` (waveshare).
 */
export function createMotorHatSimDevice(
  busPath: string,
  address: number,
  pinMap: MotorHatPinMapName,
): MotorHatSimDevice {
  const registers = new Pca9685Registers();
  const pins = PIN_MAPS[pinMap];
  let responding = true;
  return {
    kind: 'i2c',
    busPath,
    address,
    registers,
    transfer(write: Uint8Array | null, readLength: number): Uint8Array {
      if (!responding) {
        throw new SimBusError('EREMOTEIO', `no acknowledge from 0x${address.toString(16)} on ${busPath}`);
      }
      if (write && write.length > 0) registers.write(write);
      return registers.readFromPointer(readLength);
    },
    output(channel: string): BridgeOutputState {
      return decodeTb6612(registers, pins, channel);
    },
    setResponding(value: boolean): void {
      log('%s 0x%s: %s', busPath, address.toString(16), value ? 'responding' : 'not responding');
      responding = value;
    },
    powerCycle(): void {
      log('%s 0x%s: power cycle', busPath, address.toString(16));
      registers.powerOn();
    },
  };
}
