import type { Device } from '../device-api.js';

/** Duty cycle of one motor: -1 (full reverse) .. 1 (full forward). */
export type Duty = number;

/** Throws a RangeError unless -1 <= duty <= 1. */
export function checkDuty(duty: number): void {
  if (!Number.isFinite(duty) || duty < -1 || duty > 1) {
    throw new RangeError(`duty must be a number in -1..1, got ${duty}`);
  }
}

/** One H-bridge output. Writes reject with a TransportError; the driver's health tells the rest. */
export interface MotorChannel {
  readonly name: string;
  setDuty(duty: Duty): Promise<void>;
  /** Both bridge inputs high: short the windings, stop quickly. */
  brake(): Promise<void>;
  /** Bridge off: let the motor spin down. */
  coast(): Promise<void>;
}

/** A board that drives one or more motors (a motor HAT, a RoboClaw, GPIO H-bridges). */
export interface MotorDriverDevice extends Device {
  readonly kind: 'motor-driver';
  /** Channel names this driver offers, e.g. `M1`..`M4`. */
  channelNames(): string[];
  /** Throws a RangeError for an unknown channel name. */
  channel(name: string): MotorChannel;
  /** Brakes every channel. */
  stopAll(): Promise<void>;
}

export function isMotorDriver(device: Device): device is MotorDriverDevice {
  return device.kind === 'motor-driver';
}
