import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import { Backoff } from '../../../time/backoff.js';
import type { Cancel } from '../../../time/clock.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { ResilientSerialPort } from '../../transport/serial/resilient-serial-port.js';
import { TransportError } from '../../transport/transport-error.js';
import type { LidarDevice } from '../api.js';
import { LidarPointsBuilder } from '../lidar-points-builder.js';
import {
  RplidarCommand,
  RplidarDataType,
  RplidarResponseDecoder,
  encodeRplidarExpressScanPayload,
  encodeRplidarRequest,
  type RplidarDeviceInfo,
  type RplidarHealth,
  type RplidarResponse,
  type RplidarScanNode,
} from './codec.js';
import { RplidarCapsuleAssembler } from './express-codec.js';
import { RplidarScanModeProbe, type RplidarScanPlan } from './scan-mode-probe.js';
import { rplidarA1ParamsSchema, type RplidarA1Params } from './params.js';
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:rplidar-a1');

const COMPATIBLE = 'slamtec,rplidar-a1';

/** No answer this long after a request (or no measurement this long while scanning) fails a try, ms. */
const REQUEST_TIMEOUT_MS = 1_000;
/** Failed tries in a row before the port is dropped and reopened. */
const MAX_TRIES = 3;
/**
 * Wait after STOP before the next request, ms. The protocol asks for at least 1 ms (Interface
 * Protocol, STOP request); the rest lets measurements still in a USB adapter's buffer drain.
 */
const STOP_SETTLE_MS = 20;
/**
 * Wait after RESET before the next request, ms. The protocol asks for at least 2 ms (RESET
 * request); the core reboots and prints a start-up text meanwhile, which the decoder skips.
 */
const RESET_SETTLE_MS = 500;
/** RESETs tried in a row on a protection stop before waiting longer (Application Notes, Figure 5-1). */
const MAX_RESETS = 2;
/** While the sensor reports a warning, how often its health is read again (the scan pauses meanwhile), ms. */
const WARNING_RECHECK_MS = 10_000;
/** How often the scan watchdog looks, microseconds. */
const WATCHDOG_PERIOD_US = 100_000;

/**
 * Where the conversation with the sensor stands. Only these transitions happen:
 * closed → stopping (port open) → health → info | resetting | protection-wait;
 * resetting → health; protection-wait → stopping; info → modes (once per open: which scan the
 * firmware offers) → scan-requested → scanning; scan-requested (express unanswered) →
 * scan-requested (standard SCAN); scanning → stopping (warning re-check, or no data);
 * any → stopping (a try timed out); any → closed (port down, or stop()).
 */
type Phase =
  'closed' | 'stopping' | 'health' | 'resetting' | 'protection-wait' | 'info' | 'modes' | 'scan-requested' | 'scanning';

/** An RPLIDAR A1 as the HAL sees it: a lidar, plus what the sensor says about itself. */
export interface RplidarA1Device extends LidarDevice {
  /** Model, firmware, hardware and serial number from GET_INFO, once read after an open. */
  deviceInfo(): RplidarDeviceInfo | undefined;
  /** The last GET_HEALTH answer. */
  sensorHealth(): RplidarHealth | undefined;
  /** The scan in use (or last decided): express or standard, the mode's name and its sample duration. */
  scanPlan(): RplidarScanPlan | undefined;
  /** `scanMode` (the mode's name), `scanKind`, `sampleRateHz` (as reported) and `measuredSampleRateHz` (over the last turn). */
  details(): Record<string, string | number>;
}

class RplidarA1Lidar implements RplidarA1Device {
  readonly kind = 'lidar' as const;
  readonly compatible = COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<RplidarA1Params>;
  private readonly params: RplidarA1Params;
  private readonly path: string;
  private readonly port: ResilientSerialPort;
  private readonly tracker: HealthTracker;
  private readonly decoder = new RplidarResponseDecoder();
  private readonly capsules = new RplidarCapsuleAssembler();
  private probe: RplidarScanModeProbe | undefined;
  /** The scan decided for this open; cleared on every open. */
  private plan: RplidarScanPlan | undefined;
  /** Samples since the last start of a turn, and in the last whole turn. */
  private samplesThisTurn = 0;
  private measuredSampleRateHz = 0;
  private readonly pointListeners = new ListenerList<(points: LidarPoints) => void>();
  private readonly protectionBackoff = new Backoff({ initialMs: 5_000, maxMs: 60_000 });

  private readonly batch: LidarPointsBuilder;
  /** Measurements in the batch, those dropped by its filter included. */
  private batchNodes = 0;

  private running = false;
  private phase: Phase = 'closed';
  private phaseTimer: Cancel | undefined;
  private watchdogTimer: Cancel | undefined;
  private triesInRow = 0;
  private resetsInRow = 0;
  private info: RplidarDeviceInfo | undefined;
  private lastHealth: RplidarHealth | undefined;
  private dataSinceScanStart = false;
  private lastNodeUs = 0;
  private lastPacketUs = -Infinity;
  private lastStartFlagUs: number | undefined;
  private measuredSpeedDegPerS = 0;
  private bytesAtRequest = 0;
  private readonly stats = {
    bytesReceived: 0,
    requests: 0,
    timeouts: 0,
    resets: 0,
    messages: 0,
    pointsDropped: 0,
    /** Measurements handled while scanning: nodes of a SCAN, or samples of the express capsules. */
    samples: 0,
  };

  constructor(context: DeviceCreateContext<RplidarA1Params>) {
    if (context.bus.kind !== 'serial') {
      throw new Error(`device "${context.id}" (${COMPATIBLE}) needs a serial bus, got a ${context.bus.kind} bus`);
    }
    this.context = context;
    this.params = context.params;
    this.id = context.id;
    this.path = context.bus.path;
    this.tracker = new HealthTracker(context.clock.nowUs());
    const { pointsPerMessage, mount, minRangeM, maxRangeM, minQuality } = context.params;
    this.batch = new LidarPointsBuilder(pointsPerMessage, mount, { minRangeM, maxRangeM, minIntensity: minQuality });
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

  /** Measured from the time between two start-of-scan nodes; 0 until two were seen in a scan. */
  speedDegPerS(): number {
    return this.measuredSpeedDegPerS;
  }

  deviceInfo(): RplidarDeviceInfo | undefined {
    return this.info;
  }

  sensorHealth(): RplidarHealth | undefined {
    return this.lastHealth;
  }

  scanPlan(): RplidarScanPlan | undefined {
    return this.plan;
  }

  /** The scan mode in use and its sample rates: as the sensor reports it, and as measured over the last turn. */
  details(): Record<string, string | number> {
    const plan = this.plan;
    if (!plan) return {};
    return {
      scanMode: plan.modeName,
      scanKind: plan.kind,
      ...(plan.usPerSample ? { sampleRateHz: Math.round(1e6 / plan.usPerSample) } : {}),
      measuredSampleRateHz: Math.round(this.measuredSampleRateHz),
    };
  }

  counters(): Record<string, number> {
    const decoded = this.decoder.counters();
    const port = this.port.counters();
    return {
      nodes: decoded.nodes,
      badNodes: decoded.badNodes,
      badDescriptors: decoded.badDescriptors,
      capsules: decoded.capsules,
      badCapsules: decoded.badCapsules,
      droppedBytes: decoded.droppedBytes,
      ...this.stats,
      opens: port.opens,
      openFailures: port.openFailures,
      unexpectedCloses: port.unexpectedCloses,
      writeErrors: port.writeErrors,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.setHealth('starting', `opening ${this.path}`);
    this.watchdogTimer = this.context.clock.every(WATCHDOG_PERIOD_US, () => this.checkScanFlow());
    log('%s: opening %s at %d baud', this.id, this.path, this.params.baudRate);
    await this.port.start();
  }

  /** Sends STOP, stops the motor, closes the port. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.enterPhase('closed');
    this.watchdogTimer?.();
    this.watchdogTimer = undefined;
    this.measuredSpeedDegPerS = 0;
    if (this.port.isOpen()) {
      await this.port.write(encodeRplidarRequest(RplidarCommand.STOP)).catch((cause: unknown) => {
        log('%s: STOP on the way out failed: %s', this.id, TransportError.from(cause, 'write').message);
      });
      if (this.params.motorControl === 'dtr') {
        await this.port.setSignals({ dtr: true }).catch((cause: unknown) => {
          log('%s: stopping the motor failed: %s', this.id, TransportError.from(cause, 'set DTR').message);
        });
      }
    }
    this.setHealth('stopped', '');
    await this.port.stop();
  }

  private handleOpen(): void {
    if (!this.running) return;
    this.triesInRow = 0;
    this.resetsInRow = 0;
    this.info = undefined;
    this.plan = undefined;
    this.probe = undefined;
    log('%s: %s open', this.id, this.path);
    if (this.tracker.get().state !== 'ok') {
      this.setHealth('starting', `${this.path} open, starting the motor and asking the sensor for its health`);
    }
    if (this.params.motorControl === 'dtr') {
      // The A1 kit's USB adapter drives MOTOCTL from DTR, inverted: DTR cleared = motor on.
      this.port.setSignals({ dtr: false }).catch((cause: unknown) => this.writeFailed(cause, 'starting the motor'));
    }
    this.beginSequence();
  }

  private handleDown(reason: string): void {
    if (!this.running) return;
    this.enterPhase('closed');
    this.decoder.expectResponse();
    this.measuredSpeedDegPerS = 0;
    this.setHealth('failed', reason);
  }

  /** STOP, then (after the settle time) GET_HEALTH: the start of every (re)start of the scan. */
  private beginSequence(): void {
    this.enterPhase('stopping');
    this.send(RplidarCommand.STOP);
    this.phaseTimer = this.context.clock.after(STOP_SETTLE_MS * 1_000, () => this.request('health'));
  }

  /** Sends the request of `phase` and waits for its answer at most {@link REQUEST_TIMEOUT_MS}. */
  private request(phase: 'health' | 'info'): void {
    const command = phase === 'health' ? RplidarCommand.GET_HEALTH : RplidarCommand.GET_INFO;
    this.enterPhase(phase);
    this.decoder.expectResponse();
    this.bytesAtRequest = this.stats.bytesReceived;
    this.send(command);
    this.phaseTimer = this.context.clock.after(REQUEST_TIMEOUT_MS * 1_000, () => this.tryFailed(requestName(phase)));
  }

  /** After health and info: find out which scan to start (once per open), then start it. */
  private requestScan(): void {
    if (this.plan) {
      this.startScanRequest(this.plan);
      return;
    }
    if (!this.probe) {
      const info = this.info ?? { model: 0, firmwareMajor: 0, firmwareMinor: 0, hardware: 0, serialNumber: '' };
      this.probe = new RplidarScanModeProbe(info, this.params.scanMode === 'auto');
    }
    this.askProbe();
  }

  /** Sends the probe's next query, or starts the scan it decided on. A query unanswered settles for the standard SCAN. */
  private askProbe(): void {
    const probe = this.probe as RplidarScanModeProbe;
    const step = probe.next();
    if (!('command' in step)) {
      this.plan = step;
      log('%s: %s scan (%s), %s µs a sample', this.id, step.modeName, step.kind, step.usPerSample ?? 'unknown');
      this.startScanRequest(step);
      return;
    }
    this.enterPhase('modes');
    this.decoder.expectResponse();
    this.bytesAtRequest = this.stats.bytesReceived;
    this.sendRequest(step.command, step.payload);
    this.phaseTimer = this.context.clock.after(REQUEST_TIMEOUT_MS * 1_000, () => {
      log('%s: request 0x%s unanswered; using the standard SCAN', this.id, step.command.toString(16));
      this.plan = probe.unanswered();
      this.startScanRequest(this.plan);
    });
  }

  /**
   * Sends SCAN or EXPRESS_SCAN and waits for its descriptor. An express scan left unanswered falls
   * back to the standard SCAN for this open; a SCAN left unanswered fails a try.
   */
  private startScanRequest(plan: RplidarScanPlan): void {
    this.enterPhase('scan-requested');
    this.decoder.expectResponse();
    this.bytesAtRequest = this.stats.bytesReceived;
    if (plan.kind === 'express') {
      this.sendRequest(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload(plan.workingMode));
      this.phaseTimer = this.context.clock.after(REQUEST_TIMEOUT_MS * 1_000, () => {
        log('%s: EXPRESS_SCAN unanswered; falling back to the standard SCAN', this.id);
        this.plan = { ...plan, kind: 'standard', modeName: 'Standard', modeId: 0, workingMode: 0, usPerSample: null };
        this.startScanRequest(this.plan);
      });
      return;
    }
    this.send(RplidarCommand.SCAN);
    this.phaseTimer = this.context.clock.after(REQUEST_TIMEOUT_MS * 1_000, () => this.tryFailed('answer to SCAN'));
  }

  private enterPhase(phase: Phase): void {
    this.phaseTimer?.();
    this.phaseTimer = undefined;
    if (this.phase === 'scanning' && phase !== 'scanning') {
      this.flushBatch();
      this.measuredSpeedDegPerS = 0;
      this.measuredSampleRateHz = 0;
    }
    this.phase = phase;
  }

  private send(command: number): void {
    this.sendRequest(command, new Uint8Array(0));
  }

  private sendRequest(command: number, payload: Uint8Array): void {
    this.stats.requests++;
    this.port
      .write(encodeRplidarRequest(command, payload))
      .catch((cause: unknown) => this.writeFailed(cause, 'a request'));
  }

  /** A write failed: the port reports a vanished device itself; other errors end in a timed-out try. */
  private writeFailed(cause: unknown, what: string): void {
    log('%s: writing %s to %s failed: %s', this.id, what, this.path, TransportError.from(cause, 'write').message);
  }

  private handleData(bytes: Uint8Array): void {
    if (!this.running) return;
    this.stats.bytesReceived += bytes.length;
    for (const response of this.decoder.push(bytes)) this.handleResponse(response);
  }

  private handleResponse(response: RplidarResponse): void {
    switch (response.kind) {
      case 'health':
        if (this.phase === 'health') this.handleHealth(response.health);
        return;
      case 'info':
        if (this.phase === 'info') this.handleInfo(response.info);
        return;
      case 'sample-rate':
      case 'conf':
        if (this.phase === 'modes' && this.probe?.answer(response)) this.askProbe();
        return;
      case 'descriptor': {
        const expected =
          this.plan?.kind === 'express' ? RplidarDataType.MEASUREMENT_CAPSULED : RplidarDataType.MEASUREMENT;
        if (this.phase === 'scan-requested' && response.descriptor.dataType === expected) this.startScanning();
        return;
      }
      case 'node':
        if (this.phase === 'scanning') this.handleNode(response.node);
        return;
      case 'capsule':
        if (this.phase !== 'scanning') return;
        for (const sample of this.capsules.push(response.capsule)) this.handleNode(sample);
        return;
    }
  }

  private handleHealth(health: RplidarHealth): void {
    this.lastHealth = health;
    const code = `0x${health.errorCode.toString(16).padStart(4, '0')}`;
    if (health.status === 'error') {
      this.resetsInRow++;
      if (this.resetsInRow <= MAX_RESETS) {
        this.stats.resets++;
        this.setHealth(
          'failed',
          `the sensor is in protection stop (error code ${code}); resetting it (${this.resetsInRow} of ${MAX_RESETS})`,
        );
        this.enterPhase('resetting');
        this.send(RplidarCommand.RESET);
        this.phaseTimer = this.context.clock.after(RESET_SETTLE_MS * 1_000, () => this.request('health'));
        return;
      }
      const delayMs = this.protectionBackoff.nextDelayMs();
      this.setHealth(
        'failed',
        `the sensor stays in protection stop (error code ${code}) after ${MAX_RESETS} resets; trying again in ${Math.round(delayMs / 1_000)} s`,
      );
      this.enterPhase('protection-wait');
      this.phaseTimer = this.context.clock.after(delayMs * 1_000, () => {
        this.resetsInRow = 0;
        this.beginSequence();
      });
      return;
    }
    this.resetsInRow = 0;
    this.protectionBackoff.reset();
    if (health.status === 'warning') log('%s: the sensor reports a warning, code %s', this.id, code);
    if (this.info) this.requestScan();
    else this.request('info');
  }

  private handleInfo(info: RplidarDeviceInfo): void {
    this.info = info;
    log(
      '%s: model 0x%s, firmware %d.%s, hardware %d, serial %s',
      this.id,
      info.model.toString(16),
      info.firmwareMajor,
      String(info.firmwareMinor).padStart(2, '0'),
      info.hardware,
      info.serialNumber,
    );
    this.requestScan();
  }

  private startScanning(): void {
    this.enterPhase('scanning');
    const nowUs = this.context.clock.nowUs();
    this.lastNodeUs = nowUs;
    this.lastStartFlagUs = undefined;
    this.dataSinceScanStart = false;
    this.batchNodes = 0;
    this.batch.clear();
    this.capsules.reset();
    this.samplesThisTurn = 0;
    if (this.lastHealth?.status === 'warning') {
      this.phaseTimer = this.context.clock.after(WARNING_RECHECK_MS * 1_000, () => this.beginSequence());
    }
  }

  private handleNode(node: RplidarScanNode): void {
    const nowUs = this.context.clock.nowUs();
    this.lastNodeUs = nowUs;
    this.lastPacketUs = nowUs;
    if (!this.dataSinceScanStart) {
      this.dataSinceScanStart = true;
      this.triesInRow = 0;
      if (this.lastHealth?.status === 'warning') {
        this.setHealth(
          'degraded',
          `the sensor reports a health warning (code 0x${this.lastHealth.errorCode.toString(16).padStart(4, '0')}); it still scans`,
        );
      } else {
        this.setHealth('ok', '');
      }
    }
    this.samplesThisTurn++;
    this.stats.samples++;
    if (node.startFlag) {
      if (this.lastStartFlagUs !== undefined && nowUs > this.lastStartFlagUs) {
        this.measuredSpeedDegPerS = 360_000_000 / (nowUs - this.lastStartFlagUs);
        this.measuredSampleRateHz = ((this.samplesThisTurn - 1) * 1e6) / (nowUs - this.lastStartFlagUs);
      }
      this.samplesThisTurn = 1;
      this.lastStartFlagUs = nowUs;
      this.flushBatch();
    }
    this.addToBatch(node);
    if (this.batchNodes >= this.params.pointsPerMessage) this.flushBatch();
  }

  /** Adds one measurement to the message being built, in the robot frame (the head turns clockwise). */
  private addToBatch(node: RplidarScanNode): void {
    this.batchNodes++;
    if (!this.batch.add(node.angleDeg, node.distanceMm, node.quality)) this.stats.pointsDropped++;
  }

  private flushBatch(): void {
    if (this.batchNodes === 0) return;
    const points = this.batch.take(this.id, this.lastNodeUs);
    this.batchNodes = 0;
    this.stats.messages++;
    for (const listener of this.pointListeners) listener(points);
  }

  /** While scanning, a second without a measurement fails a try. */
  private checkScanFlow(): void {
    if (this.phase !== 'scanning') return;
    if (this.context.clock.nowUs() - this.lastNodeUs < REQUEST_TIMEOUT_MS * 1_000) return;
    this.tryFailed('scan data');
  }

  /** A request went unanswered (or the scan stalled): restart from STOP, or after too many tries, reopen the port. */
  private tryFailed(what: string): void {
    this.triesInRow++;
    this.stats.timeouts++;
    const hint = this.timeoutHint(what);
    const reason = `no ${what} from ${this.path} within ${REQUEST_TIMEOUT_MS} ms (try ${this.triesInRow} of ${MAX_TRIES}): ${hint}`;
    log('%s: %s', this.id, reason);
    this.setHealth('failed', reason);
    if (this.triesInRow >= MAX_TRIES) {
      this.enterPhase('closed');
      this.port.lost(new TransportError('ETIMEDOUT', reason));
      return;
    }
    this.beginSequence();
  }

  private timeoutHint(what: string): string {
    if (what === 'scan data') {
      return this.params.motorControl === 'dtr'
        ? 'the scan started but no measurement came (is the motor turning? it runs while DTR is cleared)'
        : 'the scan started but no measurement came (is the motor turning?)';
    }
    return this.stats.bytesReceived > this.bytesAtRequest
      ? `bytes arrive but none form an answer (is ${this.params.baudRate} baud right?)`
      : 'nothing arrives (is the sensor powered and connected?)';
  }

  private setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.context.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

function requestName(phase: 'health' | 'info'): string {
  return phase === 'health' ? 'answer to GET_HEALTH' : 'answer to GET_INFO';
}

/**
 * The Slamtec RPLIDAR A1 (A1M8) 360° lidar on a serial port, 115200 baud: about 4000
 * measurements a second in its express scan (2000 in the standard SCAN) at 5.5 turns a second.
 * After each open it starts the motor (DTR cleared, when `motorControl` is `dtr`), sends STOP,
 * reads GET_HEALTH (a warning makes the device `degraded`; a protection stop makes it `failed` and
 * is answered with RESET, twice, then again after a growing wait), reads GET_INFO once, asks the
 * firmware which scans it offers as Slamtec's SDK does (GET_LIDAR_CONF from firmware 1.24,
 * GET_SAMPLERATE from 1.17; see {@link RplidarScanModeProbe}) and sends EXPRESS_SCAN when it offers
 * express capsules (`scanMode: auto`), else SCAN; an unanswered query or express scan falls back
 * to SCAN. `details()` (in the debug port's device status) names the mode and its sample rate. Measurements become
 * {@link LidarPoints} messages in the robot frame: one per `pointsPerMessage` measurements and
 * one at the start of each turn. A request unanswered for 1 s, or a scan silent for 1 s, restarts
 * the sequence; after 3 such tries in a row the port is dropped and reopened with backoff.
 * `stop()` sends STOP and stops the motor. Board config: `compatible: slamtec,rplidar-a1` on a
 * `serial` bus.
 */
export const rplidarA1Model: DeviceModel<RplidarA1Params, RplidarA1Device> = {
  compatible: COMPATIBLE,
  kind: 'lidar',
  description: 'Slamtec RPLIDAR A1 360° lidar, UART 115200 baud, request/response, 2000 points/s',
  busKind: 'serial',
  address: 'none',
  pins: NO_PINS,
  /*
   * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output
   * type; a schema with defaults accepts a looser input (fields may be missing), so it is widened.
   */
  paramsSchema: rplidarA1ParamsSchema as ZodType<RplidarA1Params, ZodTypeDef, unknown> as ZodType<RplidarA1Params>,
  create: (context) => new RplidarA1Lidar(context),
};
