import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import type { Cancel } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { TransportError } from '../../transport/transport-error.js';
import type { SerialConnection } from '../../transport/serial/api.js';
import type { LidarDevice } from '../api.js';
import { LD06_POINTS_PER_PACKET, Ld06Decoder, pointAnglesDeg, type Ld06Packet } from './codec.js';
import { ld06ParamsSchema, type Ld06Params } from './params.js';

const log = createDebug('spinal:hal:ld06');

const COMPATIBLE = 'ldrobot,ld06';

/** First reopen delay after a failure, milliseconds. */
const REOPEN_INITIAL_MS = 500;
/** Longest reopen delay, milliseconds. */
const REOPEN_MAX_MS = 5_000;
/**
 * With the port open, no good packet for this long marks the device failed, milliseconds. The
 * sensor sends 375 packets a second, and starts streaming about 0.7 s after power-on (manual,
 * "Communication protocol"), so 1 s covers a USB plug-in without hiding a stalled motor for long.
 */
const NO_DATA_TIMEOUT_MS = 1_000;
/** How often the no-data watchdog looks, microseconds. */
const WATCHDOG_PERIOD_US = 100_000;

const DEG_TO_RAD = Math.PI / 180;

/**
 * The port's life: `closed` (not started or stopped), `opening`, `open`, `waiting` (a reopen is
 * scheduled after a failure). Only the transitions below happen:
 * closed → opening → open | waiting; open → waiting (unexpected close); waiting → opening;
 * any → closed (stop).
 */
type PortState = 'closed' | 'opening' | 'open' | 'waiting';

class Ld06Lidar implements LidarDevice {
  readonly kind = 'lidar' as const;
  readonly compatible = COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<Ld06Params>;
  private readonly path: string;
  private readonly tracker: HealthTracker;
  private readonly pointListeners: Array<(points: LidarPoints) => void> = [];
  private readonly backoff = new Backoff({ initialMs: REOPEN_INITIAL_MS, maxMs: REOPEN_MAX_MS });
  private readonly decoder = new Ld06Decoder();

  private readonly mountXM: number;
  private readonly mountYM: number;
  private readonly mountYawDeg: number;
  private readonly scratchX = new Float32Array(LD06_POINTS_PER_PACKET);
  private readonly scratchY = new Float32Array(LD06_POINTS_PER_PACKET);
  private readonly scratchRange = new Float32Array(LD06_POINTS_PER_PACKET);
  private readonly scratchIntensity = new Uint8Array(LD06_POINTS_PER_PACKET);

  private running = false;
  private state: PortState = 'closed';
  /** Bumped on every open, failure and stop, so callbacks from an older connection are ignored. */
  private generation = 0;
  private connection: SerialConnection | undefined;
  private reopenTimer: Cancel | undefined;
  private watchdogTimer: Cancel | undefined;
  private dataSinceOpen = false;
  private lastGoodOrOpenUs = 0;
  private lastPacketUs = -Infinity;
  private reportedSpeedDegPerS = 0;
  private bytesReceived = 0;
  private bytesAtLastGoodOrOpen = 0;
  private reopenAttempts = 0;
  private pointsDropped = 0;

  constructor(context: DeviceCreateContext<Ld06Params>) {
    if (context.bus.kind !== 'serial') {
      throw new Error(`device "${context.id}" (ldrobot,ld06) needs a serial bus, got a ${context.bus.kind} bus`);
    }
    this.context = context;
    this.id = context.id;
    this.path = context.bus.path;
    this.tracker = new HealthTracker(context.clock.nowUs());
    this.mountXM = context.params.mount.xM;
    this.mountYM = context.params.mount.yM;
    this.mountYawDeg = context.params.mount.yawDeg;
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): void {
    this.tracker.onChange(listener);
  }

  onPoints(listener: (points: LidarPoints) => void): void {
    this.pointListeners.push(listener);
  }

  lastDataUs(): number {
    return this.lastPacketUs;
  }

  speedDegPerS(): number {
    return this.reportedSpeedDegPerS;
  }

  counters(): Record<string, number> {
    const decoded = this.decoder.counters();
    return {
      packets: decoded.packets,
      badCrc: decoded.badCrc,
      droppedBytes: decoded.droppedBytes,
      bytesReceived: this.bytesReceived,
      reopenAttempts: this.reopenAttempts,
      pointsDropped: this.pointsDropped,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.setHealth('starting', `opening ${this.path}`);
    this.watchdogTimer = this.context.clock.every(WATCHDOG_PERIOD_US, () => this.checkDataFlow());
    await this.open();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.state = 'closed';
    this.reopenTimer?.();
    this.reopenTimer = undefined;
    this.watchdogTimer?.();
    this.watchdogTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    this.reportedSpeedDegPerS = 0;
    this.setHealth('stopped', '');
    if (connection) await closeQuietly(connection);
  }

  private async open(): Promise<void> {
    if (!this.running || (this.state !== 'closed' && this.state !== 'waiting')) return;
    this.state = 'opening';
    const generation = ++this.generation;
    const { baudRate } = this.context.params;
    log('%s: opening %s at %d baud', this.id, this.path, baudRate);
    this.decoder.reset();
    this.dataSinceOpen = false;
    this.lastGoodOrOpenUs = this.context.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived;
    let connection: SerialConnection;
    try {
      connection = await this.context.backends.serial.open(
        { path: this.path, baudRate },
        {
          onData: (bytes) => this.handleData(generation, bytes),
          onClose: (error) => this.handleClose(generation, error),
        },
      );
    } catch (cause) {
      if (generation !== this.generation) return;
      const error = TransportError.from(cause, 'open');
      this.fail(`cannot open ${this.path}: ${error.message}`);
      return;
    }
    if (generation !== this.generation) {
      await closeQuietly(connection);
      return;
    }
    this.connection = connection;
    this.state = 'open';
    log('%s: %s open', this.id, this.path);
    if (this.tracker.get().state !== 'ok') this.setHealth('starting', `${this.path} open, waiting for packets`);
  }

  /** Data and close events count from the moment the backend accepts the handlers, even before `open` resolves. */
  private handleData(generation: number, bytes: Uint8Array): void {
    if (generation !== this.generation || (this.state !== 'open' && this.state !== 'opening')) return;
    this.bytesReceived += bytes.length;
    const packets = this.decoder.push(bytes);
    for (const packet of packets) this.handlePacket(packet);
  }

  private handleClose(generation: number, error: TransportError | undefined): void {
    if (generation !== this.generation || (this.state !== 'open' && this.state !== 'opening')) return;
    this.connection = undefined;
    const why = error ? error.message : 'closed by the other side';
    this.fail(`${this.path} closed: ${why}`);
  }

  private handlePacket(packet: Ld06Packet): void {
    const nowUs = this.context.clock.nowUs();
    this.lastPacketUs = nowUs;
    this.lastGoodOrOpenUs = nowUs;
    this.bytesAtLastGoodOrOpen = this.bytesReceived;
    this.reportedSpeedDegPerS = packet.speedDegPerS;
    if (!this.dataSinceOpen) {
      this.dataSinceOpen = true;
      this.backoff.reset();
    }
    this.setHealth('ok', '');
    const points = this.toRobotFrame(packet, nowUs);
    for (const listener of this.pointListeners) listener(points);
  }

  /** Filters the packet's points and places them in the robot frame (the sensor turns clockwise). */
  private toRobotFrame(packet: Ld06Packet, stampUs: number): LidarPoints {
    const { minRangeM, maxRangeM, minIntensity } = this.context.params;
    const anglesDeg = pointAnglesDeg(packet);
    let count = 0;
    for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
      const point = packet.points[i];
      const angleDeg = anglesDeg[i];
      if (!point || angleDeg === undefined) continue;
      const rangeM = point.distanceMm / 1000;
      if (point.distanceMm === 0 || rangeM < minRangeM || rangeM > maxRangeM || point.intensity < minIntensity) {
        this.pointsDropped++;
        continue;
      }
      const bearingRad = (this.mountYawDeg - angleDeg) * DEG_TO_RAD;
      this.scratchX[count] = this.mountXM + rangeM * Math.cos(bearingRad);
      this.scratchY[count] = this.mountYM + rangeM * Math.sin(bearingRad);
      this.scratchRange[count] = rangeM;
      this.scratchIntensity[count] = point.intensity;
      count++;
    }
    return {
      deviceId: this.id,
      stampUs,
      count,
      xM: this.scratchX.slice(0, count),
      yM: this.scratchY.slice(0, count),
      rangeM: this.scratchRange.slice(0, count),
      intensity: this.scratchIntensity.slice(0, count),
    };
  }

  /** Marks the device failed and schedules a reopen with backoff. */
  private fail(reason: string): void {
    if (!this.running) return;
    const connection = this.connection;
    this.connection = undefined;
    this.generation++;
    this.state = 'waiting';
    this.reportedSpeedDegPerS = 0;
    this.setHealth('failed', reason);
    if (connection) void closeQuietly(connection);
    const delayMs = this.backoff.nextDelayMs();
    log('%s: %s; reopening in %d ms', this.id, reason, Math.round(delayMs));
    this.reopenTimer?.();
    this.reopenTimer = this.context.clock.after(delayMs * 1_000, () => {
      this.reopenTimer = undefined;
      this.reopenAttempts++;
      void this.open();
    });
  }

  /** With the port open but no good packet for a while, says so (and why it may be) without closing the port. */
  private checkDataFlow(): void {
    if (this.state !== 'open') return;
    if (this.context.clock.nowUs() - this.lastGoodOrOpenUs < NO_DATA_TIMEOUT_MS * 1_000) return;
    const hint =
      this.bytesReceived > this.bytesAtLastGoodOrOpen
        ? `bytes arrive but none form a valid packet (is ${this.context.params.baudRate} baud right?)`
        : 'nothing arrives (is the sensor powered and its motor turning?)';
    this.reportedSpeedDegPerS = 0;
    this.setHealth('failed', `no valid packet from ${this.path} for over ${NO_DATA_TIMEOUT_MS} ms: ${hint}`);
  }

  private setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.context.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

async function closeQuietly(connection: SerialConnection): Promise<void> {
  try {
    await connection.close();
  } catch (cause) {
    log('closing %s failed: %s', connection.path, TransportError.from(cause, 'close').message);
  }
}

/**
 * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output type;
 * a schema with defaults accepts a looser input (fields may be missing), so it is widened here.
 */
const paramsSchema = ld06ParamsSchema as ZodType<Ld06Params, ZodTypeDef, unknown> as ZodType<Ld06Params>;

/**
 * The LDROBOT LD06 (and LD19) 360° lidar on a serial port: streams 47-byte packets at 230400
 * baud, 12 points each, 375 packets a second. Each packet becomes one {@link LidarPoints}
 * message in the robot frame. Opening failures and unplugs turn into `failed` health and a
 * reopen with backoff (500 ms growing to 5 s); health is `ok` from the first good packet after
 * each (re)open. Board config: `compatible: ldrobot,ld06` on a `serial` bus.
 */
export const ld06Model: DeviceModel<Ld06Params, LidarDevice> = {
  compatible: COMPATIBLE,
  kind: 'lidar',
  description: 'LDROBOT LD06 / LD19 360° lidar, UART 230400 baud, 4500 points/s',
  busKind: 'serial',
  paramsSchema,
  create: (context) => new Ld06Lidar(context),
};
