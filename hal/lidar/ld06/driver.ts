import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import type { Cancel } from '../../../time/clock.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { ResilientSerialPort } from '../../transport/serial/resilient-serial-port.js';
import type { LidarDevice } from '../api.js';
import { LidarPointsBuilder } from '../lidar-points-builder.js';
import { LD06_POINTS_PER_PACKET, Ld06Decoder, pointAnglesDeg, type Ld06Packet } from './codec.js';
import { ld06ParamsSchema, type Ld06Params } from './params.js';
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

/** How often the no-data watchdog looks, microseconds. */
const WATCHDOG_PERIOD_US = 100_000;
/**
 * Once packets flowed, no good packet for this long marks the device failed, milliseconds. The
 * sensor sends 375 packets a second, so a second of silence is a stalled motor or a dead link.
 */
const NO_DATA_TIMEOUT_MS = 1_000;

/**
 * What sets one LDROBOT lidar that streams the 47-byte packet of `codec.ts` apart from another:
 * its name, its params and how long it may stay silent after the port opens.
 */
export interface LdrobotPacketLidarSpec {
  /** Board-config `compatible`, e.g. `ldrobot,ld06`. */
  compatible: string;
  /** Product name in health reasons, e.g. `LD06`. */
  product: string;
  /** One line for docs and `spinal doctor`. */
  description: string;
  /** The `debug` namespace of the product's driver module, e.g. `spinal:hal:ld06`. */
  debugNamespace: string;
  /** Its params schema; the fields are those of {@link Ld06Params}. */
  paramsSchema: ZodType<Ld06Params, ZodTypeDef, unknown>;
  /**
   * With the port open and no packet seen yet, how long before the device is marked failed,
   * milliseconds. The sensor only streams once its motor turns at speed, so this covers a
   * power-up (a USB plug-in powers the sensor).
   */
  firstPacketTimeoutMs: number;
}

class LdrobotPacketLidar implements LidarDevice {
  readonly kind = 'lidar' as const;
  readonly compatible: string;
  readonly id: string;

  private readonly spec: LdrobotPacketLidarSpec;
  private readonly log: createDebug.Debugger;
  private readonly context: DeviceCreateContext<Ld06Params>;
  private readonly path: string;
  private readonly port: ResilientSerialPort;
  private readonly tracker: HealthTracker;
  private readonly pointListeners = new ListenerList<(points: LidarPoints) => void>();
  private readonly decoder = new Ld06Decoder();

  private readonly builder: LidarPointsBuilder;

  private running = false;
  private watchdogTimer: Cancel | undefined;
  private dataSinceOpen = false;
  private lastGoodOrOpenUs = 0;
  private lastPacketUs = -Infinity;
  private reportedSpeedDegPerS = 0;
  private bytesReceived = 0;
  private bytesAtLastGoodOrOpen = 0;
  private pointsDropped = 0;
  /** Open attempts made by earlier runs (start … stop) beyond their first. */
  private earlierReopenAttempts = 0;
  /** Open attempts (successful or not) the port had made when this run started. */
  private attemptsAtStart = 0;

  constructor(spec: LdrobotPacketLidarSpec, context: DeviceCreateContext<Ld06Params>) {
    if (context.bus.kind !== 'serial') {
      throw new Error(`device "${context.id}" (${spec.compatible}) needs a serial bus, got a ${context.bus.kind} bus`);
    }
    this.spec = spec;
    this.log = createDebug(spec.debugNamespace);
    this.compatible = spec.compatible;
    this.context = context;
    this.id = context.id;
    this.path = context.bus.path;
    this.tracker = new HealthTracker(context.clock.nowUs());
    const { mount, minRangeM, maxRangeM, minIntensity } = context.params;
    this.builder = new LidarPointsBuilder(LD06_POINTS_PER_PACKET, mount, { minRangeM, maxRangeM, minIntensity });
    this.port = new ResilientSerialPort({
      backend: context.backends.serial,
      path: this.path,
      baudRate: context.params.baudRate,
      clock: context.clock,
      onData: (bytes) => this.handleData(bytes),
      onOpen: () => this.handleOpen(),
      onDown: (reason) => this.handleDown(reason),
    });
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  onPoints(listener: (points: LidarPoints) => void): Unsubscribe {
    return this.pointListeners.add(listener);
  }

  lastDataUs(): number {
    return this.lastPacketUs;
  }

  speedDegPerS(): number {
    return this.reportedSpeedDegPerS;
  }

  counters(): Record<string, number> {
    const decoded = this.decoder.counters();
    const port = this.port.counters();
    return {
      packets: decoded.packets,
      badCrc: decoded.badCrc,
      droppedBytes: decoded.droppedBytes,
      bytesReceived: this.bytesReceived,
      reopenAttempts: this.earlierReopenAttempts + this.reopenAttemptsThisRun(),
      pointsDropped: this.pointsDropped,
      opens: port.opens,
      openFailures: port.openFailures,
      unexpectedCloses: port.unexpectedCloses,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const port = this.port.counters();
    this.attemptsAtStart = port.opens + port.openFailures;
    this.decoder.reset();
    this.setHealth('starting', `opening ${this.path}`);
    this.watchdogTimer = this.context.clock.every(WATCHDOG_PERIOD_US, () => this.checkDataFlow());
    this.log('%s: opening %s at %d baud', this.id, this.path, this.context.params.baudRate);
    await this.port.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.earlierReopenAttempts += this.reopenAttemptsThisRun();
    this.watchdogTimer?.();
    this.watchdogTimer = undefined;
    this.reportedSpeedDegPerS = 0;
    this.setHealth('stopped', '');
    await this.port.stop();
  }

  /** Open attempts of this run beyond the first (the port counts opens and failed opens). */
  private reopenAttemptsThisRun(): number {
    if (!this.running) return 0;
    const port = this.port.counters();
    return Math.max(0, port.opens + port.openFailures - this.attemptsAtStart - 1);
  }

  private handleOpen(): void {
    if (!this.running) return;
    this.decoder.reset();
    this.dataSinceOpen = false;
    this.lastGoodOrOpenUs = this.context.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived;
    this.log('%s: %s open', this.id, this.path);
    if (this.tracker.get().state !== 'ok') this.setHealth('starting', `${this.path} open, waiting for packets`);
  }

  private handleDown(reason: string): void {
    if (!this.running) return;
    this.decoder.reset();
    this.reportedSpeedDegPerS = 0;
    this.setHealth('failed', reason);
  }

  private handleData(bytes: Uint8Array): void {
    if (!this.running) return;
    this.bytesReceived += bytes.length;
    const packets = this.decoder.push(bytes);
    for (const packet of packets) this.handlePacket(packet);
  }

  private handlePacket(packet: Ld06Packet): void {
    const nowUs = this.context.clock.nowUs();
    this.lastPacketUs = nowUs;
    this.lastGoodOrOpenUs = nowUs;
    this.bytesAtLastGoodOrOpen = this.bytesReceived;
    this.reportedSpeedDegPerS = packet.speedDegPerS;
    this.dataSinceOpen = true;
    this.setHealth('ok', '');
    const points = this.toRobotFrame(packet, nowUs);
    for (const listener of this.pointListeners) listener(points);
  }

  /** Filters the packet's points and places them in the robot frame (the sensor turns clockwise). */
  private toRobotFrame(packet: Ld06Packet, stampUs: number): LidarPoints {
    const anglesDeg = pointAnglesDeg(packet);
    for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
      const point = packet.points[i];
      const angleDeg = anglesDeg[i];
      if (!point || angleDeg === undefined) continue;
      if (!this.builder.add(angleDeg, point.distanceMm, point.intensity)) this.pointsDropped++;
    }
    return this.builder.take(this.id, stampUs);
  }

  /** With the port open but no good packet for a while, says so (and why it may be) without closing the port. */
  private checkDataFlow(): void {
    if (!this.port.isOpen()) return;
    const timeoutMs = this.dataSinceOpen ? NO_DATA_TIMEOUT_MS : this.spec.firstPacketTimeoutMs;
    if (this.context.clock.nowUs() - this.lastGoodOrOpenUs < timeoutMs * 1_000) return;
    const hint =
      this.bytesReceived > this.bytesAtLastGoodOrOpen
        ? `bytes arrive but none form a valid packet (is ${this.context.params.baudRate} baud right?)`
        : `nothing arrives (is the ${this.spec.product} powered and its motor turning?)`;
    this.reportedSpeedDegPerS = 0;
    this.setHealth('failed', `no valid packet from ${this.path} for over ${timeoutMs} ms: ${hint}`);
  }

  private setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.context.clock.nowUs());
    if (previous.state !== state) this.log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

/**
 * A {@link DeviceModel} for one LDROBOT lidar that streams the LD06 packet (LD06, LD19): each
 * packet becomes one {@link LidarPoints} message in the robot frame, through the mount. The port
 * is a {@link ResilientSerialPort}: an open failure or an unplug turns into `failed` health and a
 * reopen with backoff (500 ms growing to 5 s, sooner when the port reappears in the port list);
 * health is `ok` from the first good packet after each (re)open, and `failed` after
 * `firstPacketTimeoutMs` without a first packet, or 1 s without a packet once they flowed.
 */
export function createLdrobotPacketLidarModel(spec: LdrobotPacketLidarSpec): DeviceModel<Ld06Params, LidarDevice> {
  return {
    compatible: spec.compatible,
    kind: 'lidar',
    description: spec.description,
    busKind: 'serial',
    address: 'none',
    pins: NO_PINS,
    paramsSchema: spec.paramsSchema as ZodType<Ld06Params>,
    create: (context) => new LdrobotPacketLidar(spec, context),
  };
}

/**
 * The LDROBOT LD06 360° lidar on a serial port: 47-byte packets at 230400 baud, 12 points each,
 * 375 packets a second. The sensor starts streaming about 0.7 s after power-on (LD06 manual,
 * "Communication protocol"), so 1 s without a first packet marks it failed. Board config:
 * `compatible: ldrobot,ld06` on a `serial` bus.
 */
export const ld06Model: DeviceModel<Ld06Params, LidarDevice> = createLdrobotPacketLidarModel({
  compatible: 'ldrobot,ld06',
  product: 'LD06',
  description: 'LDROBOT LD06 360° lidar, UART 230400 baud, 4500 points/s',
  debugNamespace: 'spinal:hal:ld06',
  /*
   * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output
   * type; a schema with defaults accepts a looser input (fields may be missing), so it is widened.
   */
  paramsSchema: ld06ParamsSchema as ZodType<Ld06Params, ZodTypeDef, unknown>,
  firstPacketTimeoutMs: 1_000,
});
