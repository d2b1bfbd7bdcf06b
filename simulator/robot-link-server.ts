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

/**
 * The world's end of one robot's link: routes serial bytes and I2C transactions to the device
 * models on that robot, streams device output back, and runs the lock-step handshake.
 */
export class RobotLinkServer {
  private readonly serialByPath = new Map<string, SimSerialDevice>();
  private readonly i2cByKey = new Map<string, SimI2cDevice>();
  private readonly gpioByLine = new Map<string, SimGpioDevice>();
  private readonly gpioByPwm = new Map<string, SimGpioDevice>();
  private readonly gpioDevices: SimGpioDevice[] = [];
  private readonly openSerial = new Set<string>();
  private tickWaiter: { seq: number; resolve: () => void } | null = null;
  private simTimeUs = 0;
  /** Messages from the robot the world could not make sense of (counted, dropped). */
  malformed = 0;

  constructor(
    readonly robotId: string,
    private readonly port: LinkPort<RobotToWorld, WorldToRobot>,
    devices: readonly SimDevice[],
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
    port.on('message', (message) => this.handle(message));
  }

  /** Sends everything the open serial devices produced up to `toUs`. */
  streamDeviceOutput(toUs: number, world: SimWorldView): void {
    this.simTimeUs = toUs;
    for (const path of this.openSerial) {
      const device = this.serialByPath.get(path);
      if (!device) continue;
      for (const chunk of device.advance(toUs, world)) {
        this.port.postMessage({ t: 'serial-data', path, bytes: chunk.bytes, simTimeUs: chunk.simTimeUs });
      }
    }
  }

  /** Sends the input edges the GPIO device models produced up to `toUs`. */
  streamGpioEdges(toUs: number, world: SimWorldView): void {
    for (const device of this.gpioDevices) {
      for (const edge of device.advance(toUs, world)) {
        this.port.postMessage({ t: 'gpio-edge', chipLabel: edge.chipLabel, line: edge.line, level: edge.level, simTimeUs: edge.simTimeUs });
      }
    }
  }

  /** Sends `tick` and resolves when the robot answers `tick-done`. */
  tick(seq: number, simTimeUs: number): Promise<void> {
    this.simTimeUs = simTimeUs;
    return new Promise<void>((resolve) => {
      this.tickWaiter = { seq, resolve };
      this.port.postMessage({ t: 'tick', seq, simTimeUs });
    });
  }

  private handle(message: RobotToWorld): void {
    try {
      this.dispatch(message);
    } catch (error) {
      this.malformed++;
      log('%s: dropped a malformed message: %O', this.robotId, error);
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
        if (!device) return this.fail(message.reqId, 'ENOENT', `no such device: ${message.path}`);
        if (this.openSerial.has(message.path))
          return this.fail(message.reqId, 'EBUSY', `${message.path} is already open`);
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
        this.port.postMessage({ t: 'reply', reqId: message.reqId, ok: true, paths: [...this.serialByPath.keys()] });
        return;
      case 'i2c': {
        const device = this.i2cByKey.get(`${message.busPath}@${message.address}`);
        if (!device) {
          const busKnown = [...this.i2cByKey.values()].some((d) => d.busPath === message.busPath);
          if (!busKnown) return this.fail(message.reqId, 'ENOENT', `no such I2C bus: ${message.busPath}`);
          return this.fail(message.reqId, 'EREMOTEIO', `no device acknowledged at 0x${message.address.toString(16)}`);
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
        if (!device) return this.fail(message.reqId, 'ENOENT', `nothing is wired to GPIO ${message.chipLabel} line ${message.line}`);
        const level = device.read({ chipLabel: message.chipLabel, line: message.line });
        this.port.postMessage({ t: 'reply', reqId: message.reqId, ok: true, bytes: Uint8Array.of(level) });
        return;
      }
      case 'gpio-write':
        this.gpioByLine.get(lineKey(message.chipLabel, message.line))?.hostWrite(message, message.level, this.simTimeUs);
        return;
      case 'pwm-open': {
        if (!this.gpioByPwm.has(lineKey(message.chip, message.channel))) {
          return this.fail(message.reqId, 'ENOENT', `no PWM channel ${message.chip}/${message.channel} on this robot`);
        }
        return this.ok(message.reqId);
      }
      case 'pwm-set':
        this.gpioByPwm.get(lineKey(message.chip, message.channel))?.hostPwm(message, message.duty, message.enabled, this.simTimeUs);
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
