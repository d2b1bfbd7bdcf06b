import type { Pose2D } from '../../messages/geometry.js';

/**
 * The simulator's side of a device: it answers on a bus exactly as the real chip would. Models
 * see the world only through {@link SimWorldView} and never call robot code.
 */

/** What the world lets a device model see. */
export interface SimWorldView {
  /** True pose of the robot the device is mounted on, world frame. */
  robotPose(): Pose2D;
  /**
   * Distance from (xM, yM) along the world-frame heading `angleRad` to the nearest wall,
   * obstacle or other robot, metres; `Infinity` when nothing is within `maxRangeM`.
   */
  raycast(xM: number, yM: number, angleRad: number, maxRangeM: number): number;
  /** Deterministic random numbers in [0, 1) for noise. */
  random(): number;
}

/** A bus-level failure a model reports, like the kernel would (`ENXIO`, `EREMOTEIO`, ...). */
export class SimBusError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Bytes a serial device emits, stamped with the sim time at which their last byte left the wire. */
export interface TimedBytes {
  simTimeUs: number;
  bytes: Uint8Array;
}

export interface SimSerialDevice {
  readonly kind: 'serial';
  /** The device path it appears at, e.g. `/dev/ttyUSB0`. */
  readonly path: string;
  /** The host opened the port at `baudRate`. A model may answer a wrong rate with garbage, like the wire does. */
  open(baudRate: number, simTimeUs: number): void;
  close(): void;
  /** Bytes from the host. */
  write(bytes: Uint8Array, simTimeUs: number): void;
  setSignals(signals: { dtr?: boolean; rts?: boolean }, simTimeUs: number): void;
  /** Bytes produced in (previous call, `toUs`], in order. Only called while open. */
  advance(toUs: number, world: SimWorldView): TimedBytes[];
}

export interface SimI2cDevice {
  readonly kind: 'i2c';
  readonly busPath: string;
  readonly address: number;
  /** One transaction: optional write, then a read of `readLength` bytes. Throws SimBusError to NACK. */
  transfer(write: Uint8Array | null, readLength: number, simTimeUs: number): Uint8Array;
}

/** A model that drives wheels: the physics asks it for each channel's output. */
export interface SimMotorOutputs {
  /** Signed duty -1..1 of a channel, and whether it is braking (both inputs high) or coasting. */
  output(channel: string): { duty: number; mode: 'drive' | 'brake' | 'coast' };
}

export type SimDevice = SimSerialDevice | SimI2cDevice;
