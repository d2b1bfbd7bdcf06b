import type { Imperfections } from '../imperfections.js';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
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
  /** Signed travel of each drive wheel since the start, metres (for encoder models). */
  wheelTravelM(): { leftM: number; rightM: number };
  /** Body motion now: forward speed m/s, turn rate rad/s. */
  bodyVelocity(): { vMps: number; wRadps: number };
  /** Body acceleration in the robot frame, m/s² (forward, left), without gravity (for IMU models). */
  bodyAccelMps2(): { xMps2: number; yMps2: number };
  /** Whether the robot's footprint touches anything now (for bumper models). */
  inContact(): boolean;
  /** Current the drive motors draw now, amperes (for battery-monitor models). */
  motorCurrentA(): number;
  /** Sim time now, microseconds. */
  nowUs(): number;
  /** The robot's battery pack (battery-monitor models read it); a model's own fixed battery when left out. */
  battery?: SimBatteryView;
  /** The gyro's error about z now, rad/s (IMU models add it to the true rate); none when left out. */
  gyroErrorRadps?(): number;
  /** How far the robot's hardware is from ideal (lidar models read their noise and dropouts here); ideal when left out. */
  imperfections?: Imperfections;
}

/** What a battery-monitor model sees of the robot's battery pack. */
export interface SimBatteryView {
  /** Open-circuit voltage now (it follows the pack's state of charge), volts. */
  openCircuitV(): number;
  /** Internal resistance, ohms. */
  readonly internalOhms: number;
  /** Current drawn from the pack now, drive motors and electronics together, amperes. */
  currentA(): number;
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
  /** Sensors: sample the world up to `toUs` (called every physics step; a transaction carries no view of the world). */
  advance?(toUs: number, world: SimWorldView): void;
}

/** A GPIO line, named as board configs name it. */
export interface SimGpioLine {
  chipLabel: string;
  line: number;
}

/** A level change a GPIO device model makes on one of its input lines. */
export interface SimGpioEdge extends SimGpioLine {
  level: 0 | 1;
  simTimeUs: number;
}

/** A PWM channel, named as the PWM transport names it (`chip`, `channel`). */
export interface SimPwmChannel {
  chip: string;
  channel: number;
}

/**
 * A device on GPIO lines (and PWM channels): an encoder, a switch, an H-bridge. The host drives
 * its output lines and PWM; the model drives its input lines and reports their edges.
 */
export interface SimGpioDevice {
  readonly kind: 'gpio';
  /** The lines this device is wired to. */
  readonly lines: readonly SimGpioLine[];
  /** The PWM channels it is wired to (H-bridge enable pins), if any. */
  readonly pwmChannels: readonly SimPwmChannel[];
  /** The host set an output line. */
  hostWrite(line: SimGpioLine, level: 0 | 1, simTimeUs: number): void;
  /** The host set a PWM channel (duty 0..1). */
  hostPwm(channel: SimPwmChannel, duty: number, enabled: boolean, simTimeUs: number): void;
  /** The level of one of its lines now (inputs as the model drives them, outputs as last written). */
  read(line: SimGpioLine): 0 | 1;
  /** Input edges produced in (previous call, `toUs`], in order. */
  advance(toUs: number, world: SimWorldView): SimGpioEdge[];
}

/**
 * Fault switches a scenario can throw on a device model (beyond the ones the world applies on the
 * bus itself: unplug, garbage, corruption, NACK/EIO, latency). Optional: models that can freeze
 * their output implement it.
 */
export interface SimStuckable {
  /** While stuck, the model keeps reporting its last value. */
  setStuck(stuck: boolean): void;
}

/** A model that drives wheels: the physics asks it for each channel's output. */
export interface SimMotorOutputs {
  /** Signed duty -1..1 of a channel, and whether it is braking (both inputs high) or coasting. */
  output(channel: string): BridgeOutputState;
}

/** True when `device` is a motor driver model (its outputs drive the wheels). */
export function isMotorOutputs(device: SimDevice): device is SimDevice & SimMotorOutputs {
  return typeof (device as Partial<SimMotorOutputs>).output === 'function';
}

export type SimDevice = SimSerialDevice | SimI2cDevice | SimGpioDevice;
