import type { DeviceConfig } from '../../config/board-schema.js';

/** A chip's I2C address when no address pins or jumpers are changed, and how to change it. */
export interface I2cChipAddressing {
  /** Matches the model part of a `compatible` string (`ti,ina219` -> `ina219`). */
  model: RegExp;
  chip: string;
  defaultAddress: number;
  /** How the address is changed on the board, for the fix of a collision. */
  jumpers: string;
}

/**
 * Default addresses of the I2C chips spinal drives, from their datasheets:
 * - INA219: A0 = A1 = GND -> 1000000 = 0x40 (TI INA219 datasheet, §8.5.5.1, Table 2).
 * - PCA9685: A5..A0 = 0 -> 1000000 = 0x40 (NXP PCA9685 datasheet, §7.1.1, Fig 4).
 * - MPU-6050: AD0 low -> 1101000 = 0x68 (InvenSense MPU-6000/6050 Product Specification, §9.2).
 * - TFmini-S: 0x10 as shipped (Benewake TFmini-S product manual, §5.5, Table 9).
 * - Adafruit DC & Stepper Motor HAT: PCA9685 with A5 strapped high -> 0x60 (Adafruit's HAT guide).
 * - Waveshare Motor Driver HAT: PCA9685 with all address pins low -> 0x40 (Waveshare wiki).
 */
export const I2C_CHIP_ADDRESSING: readonly I2cChipAddressing[] = [
  { model: /dc-motor-hat/, chip: 'PCA9685', defaultAddress: 0x60, jumpers: "the HAT's A0..A4 pads (0x60..0x7f)" },
  { model: /motor-driver-hat/, chip: 'PCA9685', defaultAddress: 0x40, jumpers: "the HAT's A0..A4 pads (0x40..0x5f)" },
  { model: /pca9685/, chip: 'PCA9685', defaultAddress: 0x40, jumpers: 'its A0..A5 pads (0x40..0x7f)' },
  { model: /ina219/, chip: 'INA219', defaultAddress: 0x40, jumpers: 'its A0/A1 pads (0x40..0x4f)' },
  { model: /mpu-?6050/, chip: 'MPU-6050', defaultAddress: 0x68, jumpers: 'its AD0 pin (0x68, or 0x69 with AD0 high)' },
  { model: /tfmini/, chip: 'TFmini-S', defaultAddress: 0x10, jumpers: 'its address setting command (any 0x08..0x77)' },
];

/** The PCA9685's LED All Call address: every PCA9685 answers it until ALLCALL is cleared (NXP PCA9685 datasheet, §7.1.2). */
export const PCA9685_ALL_CALL_ADDRESS = 0x70;

/** The addressing of a device's chip, from its `compatible`, or undefined when doctor does not know the chip. */
export function chipAddressing(compatible: string): I2cChipAddressing | undefined {
  const model = compatible.split(',')[1] ?? compatible;
  return I2C_CHIP_ADDRESSING.find((entry) => entry.model.test(model));
}

/** The address a device is reached at: its `address:`, or its chip's default; undefined when neither is known. */
export function effectiveI2cAddress(device: DeviceConfig): { address: number; fromDefault: boolean } | undefined {
  if (device.address !== undefined) return { address: device.address, fromDefault: false };
  const addressing = chipAddressing(device.compatible);
  return addressing ? { address: addressing.defaultAddress, fromDefault: true } : undefined;
}
