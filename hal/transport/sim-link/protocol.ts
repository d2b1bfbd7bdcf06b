/**
 * The wire between a robot runtime and the simulated world. It carries exactly what real
 * hardware would: bytes on serial ports, I2C transactions, GPIO levels, plus the lock-step clock
 * (`tick` / `tick-done`). The world never calls robot code and the robot never calls world code;
 * several robots attach to one world, each over its own link.
 *
 * Lock step: the world advances its physics by one quantum, sends every device output produced
 * in it (each stamped with its sim time), then `tick`. The robot moves its virtual clock to each
 * stamp as it handles the message, and answers `tick-done` once everything due up to the tick has
 * run. Writes the robot makes before `tick-done` take effect in the world's next quantum.
 */

export interface SerialOpenRequest {
  t: 'serial-open';
  reqId: number;
  path: string;
  baudRate: number;
}
export interface SerialWrite {
  t: 'serial-write';
  path: string;
  bytes: Uint8Array;
}
export interface SerialSignals {
  t: 'serial-signals';
  path: string;
  dtr?: boolean;
  rts?: boolean;
}
export interface SerialCloseRequest {
  t: 'serial-close';
  path: string;
}
export interface SerialListRequest {
  t: 'serial-list';
  reqId: number;
}
/** One I2C transaction: an optional write, then (when `readLength > 0`) a read after a repeated START. */
export interface I2cTransaction {
  t: 'i2c';
  reqId: number;
  busPath: string;
  address: number;
  write: Uint8Array | null;
  readLength: number;
}
export interface GpioOpenRequest {
  t: 'gpio-open';
  reqId: number;
  chipLabel: string;
  line: number;
  direction: 'in' | 'out';
}
export interface GpioWrite {
  t: 'gpio-write';
  chipLabel: string;
  line: number;
  level: 0 | 1;
  /** Robot clock time of the write (software PWM edges fall between ticks), microseconds. */
  stampUs: number;
}
export interface GpioReadRequest {
  t: 'gpio-read';
  reqId: number;
  chipLabel: string;
  line: number;
}
export interface PwmOpenRequest {
  t: 'pwm-open';
  reqId: number;
  chip: string;
  channel: number;
  periodNs: number;
}
export interface PwmSet {
  t: 'pwm-set';
  chip: string;
  channel: number;
  /** 0..1 */
  duty: number;
  enabled: boolean;
  /** Robot clock time of the change, microseconds. */
  stampUs: number;
}
export interface TickDone {
  t: 'tick-done';
  seq: number;
}

export type RobotToWorld =
  | SerialOpenRequest
  | SerialWrite
  | SerialSignals
  | SerialCloseRequest
  | SerialListRequest
  | I2cTransaction
  | GpioOpenRequest
  | GpioWrite
  | GpioReadRequest
  | PwmOpenRequest
  | PwmSet
  | TickDone;

export interface ReplyOk {
  t: 'reply';
  reqId: number;
  ok: true;
  /** I2C read data, or a GPIO level as one byte. */
  bytes?: Uint8Array;
  /** serial-list: the paths present. */
  paths?: string[];
}
export interface ReplyError {
  t: 'reply';
  reqId: number;
  ok: false;
  /** A TransportErrorCode. */
  code: string;
  message: string;
}
export interface SerialData {
  t: 'serial-data';
  path: string;
  bytes: Uint8Array;
  simTimeUs: number;
}
/** The world closed a port the robot had open (the device was unplugged). */
export interface SerialClosed {
  t: 'serial-closed';
  path: string;
  code: string;
  message: string;
  simTimeUs: number;
}
export interface GpioEdgeEvent {
  t: 'gpio-edge';
  chipLabel: string;
  line: number;
  level: 0 | 1;
  simTimeUs: number;
}
export interface Tick {
  t: 'tick';
  seq: number;
  simTimeUs: number;
}

export type WorldToRobot = ReplyOk | ReplyError | SerialData | SerialClosed | GpioEdgeEvent | Tick;

/** The part of a MessagePort the link needs; a socket adapter can stand in for it later. */
export interface LinkPort<TIn, TOut> {
  postMessage(message: TOut, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: TIn) => void): unknown;
}
