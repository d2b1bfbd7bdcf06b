import type { Device } from '../device-api.js';
import type { Duty } from './bridge-codec.js';

// A bridge's command, its output state and the duty check are in bridge-codec.ts, where the pure
// codecs can use them too.

/**
 * What a channel's `brake()` does to a spinning motor. `active-brake`: the bridge shorts the
 * windings (the motor's back-EMF brakes it hard); `coast`: the bridge lets go and friction alone
 * slows the wheel; `ramp`: the controller winds its output down at a rate of its own first.
 */
export type MotorStopKind = 'active-brake' | 'coast' | 'ramp';

/** A driver's stop, as its chip's datasheet or manual gives it (docs/safety.md lists every driver's). */
export interface MotorStopBehaviour {
  kind: MotorStopKind;
  /** What the driver puts on the wire and what the bridge then does, in words. */
  description: string;
  /** The datasheet or manual, and the section, that says so. */
  reference: string;
}

/** One H-bridge output. Writes reject with a TransportError; the driver's health tells the rest. */
export interface MotorChannel {
  readonly name: string;
  setDuty(duty: Duty): Promise<void>;
  /** Stop the motor as quickly as this driver can: what that is, the driver says in `stopBehaviour()`. */
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
  /** What `brake()` on a channel does (what the reflex's stop gets from this driver). */
  stopBehaviour(): MotorStopBehaviour;
}

export function isMotorDriver(device: Device): device is MotorDriverDevice {
  return device.kind === 'motor-driver';
}
