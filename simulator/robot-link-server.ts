import createDebug from 'debug';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../hal/transport/sim-link/protocol.js';
import {
  SimBusError,
  type SimDevice,
  type SimGpioDevice,
  type SimI2cDevice,
  type SimSerialDevice,
  type SimWorldView,
} from './devices/sim-device.js';

const log = createDebug('spinal:sim:link');

/** Faults the world applies to a serial device's wire. */
export interface SerialWireFault {
  /** Unplugged: the port closes, disappears from the port list and cannot be opened. */
  unplugged: boolean;
  /** Random bytes per second mixed into the stream. */
  garbageBytesPerS: number;
  /** Share of chunks in which one byte is flipped (0..1). */
  corruptRate: number;
  /** Extra delay of everything the device sends, microseconds. */
  latencyUs: number;
}

/** Faults the world applies to an I2C device. */
export interface I2cWireFault {
  /** Unplugged: the device never acknowledges. */
  unplugged: boolean;
  /** Share of transactions answered with EREMOTEIO (no acknowledge), 0..1. */
  nackRate: number;
  /** Share of transactions answered with EIO (bus error), 0..1. */
  eioRate: number;
}

export const NO_SERIAL_FAULT: SerialWireFault = { unplugged: false, garbageBytesPerS: 0, corruptRate: 0, latencyUs: 0 };
export const NO_I2C_FAULT: I2cWireFault = { unplugged: false, nackRate: 0, eioRate: 0 };

/**
 * The world's end of one robot's link: routes serial bytes and I2C transactions to the device
 * models on that robot, streams device output back, and runs the lock-step handshake.
 *
 * What the devices produce during a quantum is held until that robot's {@link tick}, then sent in
 * order with the tick behind it (replies to requests go out at once). A world with several robots
 * hands each its quantum in turn and, with {@link holdMessages}, answers only the robot whose turn
 * it is: the robots never run at once on the main thread, and a run repeats whatever the scheduling.
 */
export class RobotLinkServer {
  private readonly serialByPath = new Map<string, SimSerialDevice>();
  private readonly i2cByKey = new Map<string, SimI2cDevice>();
  private readonly gpioByLine = new Map<string, SimGpioDevice>();
  private readonly gpioByPwm = new Map<string, SimGpioDevice>();
  private readonly gpioDevices: SimGpioDevice[] = [];
  private readonly openSerial = new Set<string>();
  private readonly serialFaults = new Map<string, SerialWireFault>();
  private readonly detached = new Set<string>();
  /** GPIO lines whose wiring is cut: opening or reading them fails with EIO. */
  private readonly brokenLines = new Set<string>();
  private readonly i2cFaults = new Map<string, I2cWireFault>();
  /** Serial output held back by a latency fault, by path. */
  private readonly delayed = new Map<string, Array<{ simTimeUs: number; bytes: Uint8Array }>>();
  private garbageCarry = new Map<string, number>();
  /** Device output of the quantum under way, sent with the next tick. */
  private outbox: WorldToRobot[] = [];
  /** Messages from the robot kept for later while another robot has its turn (null: handled as they come). */
  private held: RobotToWorld[] | null = null;
  private tickWaiter: { seq: number; resolve: () => void } | null = null;
  /** Sim time of the last tick: the robot's writes are stamped with its clock, which never lags it. */
  private lastTickUs = 0;
  private simTimeUs = 0;
  /** Messages from the robot the world could not make sense of (counted, dropped). */
  malformed = 0;

  constructor(
    readonly robotId: string,
    private readonly port: LinkPort<RobotToWorld, WorldToRobot>,
    devices: readonly SimDevice[],
    private readonly random: () => number = Math.random,
  ) {
    for (const device of devices) {
      if (device.kind === 'serial') this.serialByPath.set(device.path, device);
      else if (device.kind === 'i2c') this.i2cByKey.set(`${device.busPath}@${device.address}`, device);
      else {
        this.gpioDevices.push(device);
        for (const line of device.lines) this.gpioByLine.set(lineKey(line.chipLabel, line.line), device);
        for (const pwm of device.pwmChannels) this.gpioByPwm.set(lineKey(pwm.chip, pwm.channel), device);
      }
    }
    port.on('message', (message) => {
      if (this.held) this.held.push(message);
      else this.handle(message);
    });
  }

  /**
   * `true`: keep the robot's messages unanswered for now (another robot has its turn); `false`:
   * handle the ones kept, in order, and from then on each as it comes.
   */
  holdMessages(hold: boolean): void {
    if (hold) {
      this.held ??= [];
      return;
    }
    const held = this.held ?? [];
    this.held = null;
    for (const message of held) this.handle(message);
  }

  /** Takes a serial device off the link (it is bridged to a pseudo-terminal instead). */
  detachSerial(path: string): void {
    this.detached.add(path);
    this.openSerial.delete(path);
  }

  /** Sets (or with `null` clears) the faults on a serial device's wire. Unplugging closes the robot's port. */
  setSerialFault(path: string, fault: SerialWireFault | null): void {
    const was = this.serialFaults.get(path);
    if (fault) this.serialFaults.set(path, fault);
    else this.serialFaults.delete(path);
    if (fault?.unplugged && !was?.unplugged && this.openSerial.delete(path)) {
      this.serialByPath.get(path)?.close();
      this.delayed.delete(path);
      this.outbox.push({
        t: 'serial-closed',
        path,
        code: 'ENXIO',
        message: `${path}: device disconnected`,
        simTimeUs: this.simTimeUs,
      });
    }
  }

  /** Cuts (or mends) the wiring of a GPIO device's lines: opening or reading them fails with EIO. */
  setGpioFault(lines: ReadonlyArray<{ chipLabel: string; line: number }>, broken: boolean): void {
    for (const line of lines) {
      if (broken) this.brokenLines.add(lineKey(line.chipLabel, line.line));
      else this.brokenLines.delete(lineKey(line.chipLabel, line.line));
    }
  }

  /** Sets (or with `null` clears) the faults on an I2C device. */
  setI2cFault(busPath: string, address: number, fault: I2cWireFault | null): void {
    const key = `${busPath}@${address}`;
    if (fault) this.i2cFaults.set(key, fault);
    else this.i2cFaults.delete(key);
  }

  /** Sends everything the open serial devices produced up to `toUs`, through any wire faults. */
  streamDeviceOutput(toUs: number, world: SimWorldView): void {
    const fromUs = this.simTimeUs;
    this.simTimeUs = toUs;
    for (const device of this.i2cByKey.values()) device.advance?.(toUs, world);
    for (const path of this.openSerial) {
      const device = this.serialByPath.get(path);
      if (!device) continue;
      const fault = this.serialFaults.get(path) ?? NO_SERIAL_FAULT;
      const chunks = device.advance(toUs, world);
      if (fault.garbageBytesPerS > 0) chunks.push(this.garbage(path, fault.garbageBytesPerS, fromUs, toUs));
      for (const chunk of chunks) {
        const bytes =
          fault.corruptRate > 0 && this.random() < fault.corruptRate ? this.corrupt(chunk.bytes) : chunk.bytes;
        if (fault.latencyUs > 0 || this.delayed.has(path)) {
          const queue = this.delayed.get(path) ?? [];
          queue.push({ simTimeUs: chunk.simTimeUs + fault.latencyUs, bytes });
          this.delayed.set(path, queue);
        } else {
          this.outbox.push({ t: 'serial-data', path, bytes, simTimeUs: chunk.simTimeUs });
        }
      }
      this.releaseDelayed(path, toUs);
    }
  }

  private releaseDelayed(path: string, toUs: number): void {
    const queue = this.delayed.get(path);
    if (!queue) return;
    while (queue.length > 0 && queue[0]!.simTimeUs <= toUs) {
      const chunk = queue.shift()!;
      this.outbox.push({ t: 'serial-data', path, bytes: chunk.bytes, simTimeUs: chunk.simTimeUs });
    }
    if (queue.length === 0) this.delayed.delete(path);
  }

  private garbage(
    path: string,
    bytesPerS: number,
    fromUs: number,
    toUs: number,
  ): { simTimeUs: number; bytes: Uint8Array } {
    const owed = (this.garbageCarry.get(path) ?? 0) + (bytesPerS * (toUs - fromUs)) / 1e6;
    const count = Math.floor(owed);
    this.garbageCarry.set(path, owed - count);
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) bytes[i] = Math.floor(this.random() * 256);
    return { simTimeUs: toUs, bytes };
  }

  private corrupt(bytes: Uint8Array): Uint8Array {
    if (bytes.length === 0) return bytes;
    const copy = bytes.slice();
    const at = Math.floor(this.random() * copy.length);
    copy[at] = (copy[at] ?? 0) ^ (1 << Math.floor(this.random() * 8));
    return copy;
  }

  /** Sends the input edges the GPIO device models produced up to `toUs`. */
  streamGpioEdges(toUs: number, world: SimWorldView): void {
    for (const device of this.gpioDevices) {
      for (const edge of device.advance(toUs, world)) {
        this.outbox.push({
          t: 'gpio-edge',
          chipLabel: edge.chipLabel,
          line: edge.line,
          level: edge.level,
          simTimeUs: edge.simTimeUs,
        });
      }
    }
  }

  /**
   * The robot's side is gone (its process killed): every device it had open is closed, what was
   * held for it is dropped, and a tick it never answered counts as answered. A robot that comes
   * back opens its devices afresh, as a rebooted one would.
   */
  dropRobot(): void {
    for (const path of this.openSerial) this.serialByPath.get(path)?.close();
    this.openSerial.clear();
    this.outbox = [];
    this.held = null;
    const waiter = this.tickWaiter;
    this.tickWaiter = null;
    waiter?.resolve();
  }

  /** Sends the quantum's device output, then `tick`; resolves when the robot answers `tick-done`. */
  tick(seq: number, simTimeUs: number): Promise<void> {
    this.simTimeUs = simTimeUs;
    this.lastTickUs = simTimeUs;
    const outbox = this.outbox;
    this.outbox = [];
    return new Promise<void>((resolve) => {
      this.tickWaiter = { seq, resolve };
      for (const message of outbox) this.port.postMessage(message);
      this.port.postMessage({ t: 'tick', seq, simTimeUs });
    });
  }

  private handle(message: RobotToWorld): void {
    try {
      this.dispatch(message);
    } catch (error) {
      this.malformed++;
      log('%s: dropped a malformed message: %O', this.robotId, error);
      // A request is always answered: the robot answers the world's tick only once none is in
      // flight, so one left unanswered would stop the world's clock for good.
      const reqId =
        typeof message === 'object' && message !== null ? (message as { reqId?: unknown }).reqId : undefined;
      if (typeof reqId === 'number') {
        this.fail(
          reqId,
          'EIO',
          `the simulated device failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private dispatch(message: RobotToWorld): void {
    switch (message.t) {
      case 'tick-done':
        if (this.tickWaiter?.seq === message.seq) {
          const { resolve } = this.tickWaiter;
          this.tickWaiter = null;
          resolve();
        }
        return;
      case 'serial-open': {
        const device = this.serialByPath.get(message.path);
        if (!device || this.serialFaults.get(message.path)?.unplugged) {
          return this.fail(message.reqId, 'ENOENT', `no such device: ${message.path}`);
        }
        if (this.openSerial.has(message.path))
          return this.fail(message.reqId, 'EBUSY', `${message.path} is already open`);
        if (this.detached.has(message.path)) {
          return this.fail(message.reqId, 'EBUSY', `${message.path} is attached to a pseudo-terminal (--pty)`);
        }
        device.open(message.baudRate, this.simTimeUs);
        this.openSerial.add(message.path);
        return this.ok(message.reqId);
      }
      case 'serial-close':
        if (this.openSerial.delete(message.path)) this.serialByPath.get(message.path)?.close();
        return;
      case 'serial-write':
        if (this.openSerial.has(message.path))
          this.serialByPath.get(message.path)?.write(message.bytes, this.simTimeUs);
        return;
      case 'serial-signals':
        if (this.openSerial.has(message.path)) this.serialByPath.get(message.path)?.setSignals(message, this.simTimeUs);
        return;
      case 'serial-list':
        this.port.postMessage({
          t: 'reply',
          reqId: message.reqId,
          ok: true,
          paths: [...this.serialByPath.keys()].filter((path) => !this.serialFaults.get(path)?.unplugged),
        });
        return;
      case 'i2c': {
        const device = this.i2cByKey.get(`${message.busPath}@${message.address}`);
        if (!device) {
          const busKnown = [...this.i2cByKey.values()].some((d) => d.busPath === message.busPath);
          if (!busKnown) return this.fail(message.reqId, 'ENOENT', `no such I2C bus: ${message.busPath}`);
          return this.fail(message.reqId, 'EREMOTEIO', `no device acknowledged at 0x${message.address.toString(16)}`);
        }
        const fault = this.i2cFaults.get(`${message.busPath}@${message.address}`) ?? NO_I2C_FAULT;
        if (fault.unplugged || (fault.nackRate > 0 && this.random() < fault.nackRate)) {
          return this.fail(message.reqId, 'EREMOTEIO', `no acknowledge from 0x${message.address.toString(16)}`);
        }
        if (fault.eioRate > 0 && this.random() < fault.eioRate) {
          return this.fail(message.reqId, 'EIO', `bus error talking to 0x${message.address.toString(16)}`);
        }
        try {
          const bytes = device.transfer(message.write, message.readLength, this.simTimeUs);
          this.port.postMessage({ t: 'reply', reqId: message.reqId, ok: true, bytes });
        } catch (error) {
          if (error instanceof SimBusError) return this.fail(message.reqId, error.code, error.message);
          throw error;
        }
        return;
      }
      case 'gpio-open':
      case 'gpio-read': {
        const device = this.gpioByLine.get(lineKey(message.chipLabel, message.line));
        if (!device)
          return this.fail(
            message.reqId,
            'ENOENT',
            `nothing is wired to GPIO ${message.chipLabel} line ${message.line}`,
          );
        if (this.brokenLines.has(lineKey(message.chipLabel, message.line))) {
          return this.fail(message.reqId, 'EIO', `GPIO ${message.chipLabel} line ${message.line} does not respond`);
        }
        const level = device.read({ chipLabel: message.chipLabel, line: message.line });
        this.port.postMessage({ t: 'reply', reqId: message.reqId, ok: true, bytes: Uint8Array.of(level) });
        return;
      }
      case 'gpio-write':
        if (this.brokenLines.has(lineKey(message.chipLabel, message.line))) return;
        this.gpioByLine
          .get(lineKey(message.chipLabel, message.line))
          ?.hostWrite(message, message.level, Math.max(message.stampUs ?? 0, this.lastTickUs));
        return;
      case 'pwm-open': {
        if (!this.gpioByPwm.has(lineKey(message.chip, message.channel))) {
          return this.fail(message.reqId, 'ENOENT', `no PWM channel ${message.chip}/${message.channel} on this robot`);
        }
        return this.ok(message.reqId);
      }
      case 'pwm-set':
        this.gpioByPwm
          .get(lineKey(message.chip, message.channel))
          ?.hostPwm(message, message.duty, message.enabled, Math.max(message.stampUs ?? 0, this.lastTickUs));
        return;
      default:
        this.malformed++;
    }
  }

  private ok(reqId: number): void {
    this.port.postMessage({ t: 'reply', reqId, ok: true });
  }

  private fail(reqId: number, code: string, message: string): void {
    this.port.postMessage({ t: 'reply', reqId, ok: false, code, message });
  }
}

function lineKey(chip: string, line: number): string {
  return `${chip}:${line}`;
}
