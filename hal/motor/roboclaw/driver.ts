import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS, US_PER_S } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import type { BatteryReading } from '../../../messages/battery-reading.js';
import type { BatteryDevice } from '../../battery/api.js';
import { capabilityBase, type Device } from '../../device-api.js';
import type { EncoderDevice } from '../../encoder/api.js';
import type { Unsubscribe } from '../../listener-list.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { EncoderReading } from '../../../messages/encoder-reading.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { ResilientSerialPort } from '../../transport/serial/resilient-serial-port.js';
import { TransportError } from '../../transport/transport-error.js';
import { checkDuty } from '../bridge-codec.js';
import type { MotorChannel, MotorDriverDevice, MotorStopBehaviour } from '../api.js';
import { ROBOCLAW_DUTY_ZERO } from '../stop-behaviours.js';
import {
  RoboclawReplyDecoder,
  commandCode,
  dutyToRaw,
  encodeRoboclawRequest,
  type RoboclawMotor,
  type RoboclawReply,
  type RoboclawRequest,
} from './codec.js';
import { roboclawParamsSchema, type RoboclawParams } from './params.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:roboclaw');

const COMPATIBLE = 'basicmicro,roboclaw';
const CHANNELS: readonly RoboclawMotor[] = ['M1', 'M2'];
/** Sends per command: the first and at most 2 more after a missing or bad reply. */
const ATTEMPTS_PER_COMMAND = 3;
/** Failed commands in a row after which the device is `failed` rather than `degraded`. */
const FAILED_AFTER_COMMANDS = 3;
/** Re-asking a controller that stopped answering: 500 ms, growing to 5 s. */
const PROBE_INITIAL_MS = 500;
const PROBE_MAX_MS = 5_000;
/** Serial timeout units on the wire (manual, command 14: 100 ms steps). */
const SERIAL_TIMEOUT_STEP_MS = 100;

/**
 * A Basicmicro RoboClaw: a {@link MotorDriverDevice} with channels `M1` and `M2`, plus what the
 * controller measures itself: its quadrature encoder counters and its main battery voltage. The
 * device's kind stays `motor-driver`; `capabilities()` offers the encoder and the battery monitor
 * as an {@link EncoderDevice} and a {@link BatteryDevice} (found with `capabilityOf(device,
 * isEncoder)`), and the methods below give the same readings under their own names.
 *
 * The RoboClaw has no brake command: a channel's `brake()` is the same as `coast()`, duty 0, and
 * what the bridge then does depends on the controller's PWM mode setting.
 */
export interface RoboclawDevice extends MotorDriverDevice {
  /** Encoder channel names: `M1`, `M2` (the encoder inputs of each motor channel). */
  encoderChannelNames(): string[];
  /**
   * Counts and wheel travel, every poll (`pollHz`). Counts are signed, since start (or the last
   * {@link resetEncoders}); counting restarts from the controller's value after each reopen of
   * the port, so travel while the port was down is not counted.
   */
  onEncoderReading(listener: (reading: EncoderReading) => void): Unsubscribe;
  lastEncoderReading(): EncoderReading | null;
  /** Main battery voltage, every poll. The RoboClaw does not report the battery current: `currentA` and `powerW` are NaN. */
  onBatteryReading(listener: (reading: BatteryReading) => void): Unsubscribe;
  lastBatteryReading(): BatteryReading | null;
  /** The controller's firmware version text (`"USB Roboclaw 2x15a v4.1.34"`), once it has answered. */
  firmwareVersion(): string | null;
  /** Zeroes the controller's encoder counters (command 20) and the counts this device reports. */
  resetEncoders(): Promise<void>;
  /** Drives a channel at a signed speed, encoder pulses per second, with the controller's own speed loop (commands 35..37). */
  setSpeedQpps(channel: string, speedQpps: number): Promise<void>;
  /** The speed the controller measures on a channel's encoder, signed pulses per second (commands 18, 19). */
  readSpeedQpps(channel: string): Promise<number>;
}

/** Whether a device is a RoboClaw, with encoder and battery readings besides its motors. */
export function isRoboclaw(device: Device): device is RoboclawDevice {
  return device.compatible === COMPATIBLE;
}

interface Waiter {
  resolve(reply: RoboclawReply): void;
  reject(error: TransportError): void;
}

/**
 * Why a request is sent. Motor commands wait in their own slots and always go before anything
 * in the queue; `probe` asks for the firmware version to learn whether the controller answers.
 */
type Purpose = 'motor' | 'probe' | 'setup' | 'poll' | 'user';

interface Job {
  request: RoboclawRequest;
  purpose: Purpose;
  waiters: Waiter[];
}

/** The latest motor command of one channel not yet on the wire. */
interface MotorSlot {
  mode: 'duty' | 'speed';
  /** Raw duty (-32767..32767) or pulses per second. */
  value: number;
  waiters: Waiter[];
}

/** The one request on the wire. */
interface Exchange {
  job: Job;
  attempt: number;
  deadline: Cancel | undefined;
  /** Why the current attempt's reply was rejected, if it was. */
  badReply: string | undefined;
}

/**
 * The RoboClaw over packet serial. One request is on the wire at a time: it is sent, and the
 * reply (or the 0xFF acknowledgement) awaited for `replyTimeoutMs`; with none, or a bad one, it
 * is sent again when that time is up (which also lets the controller drop a partial packet after
 * its 10 ms packet timeout), at most twice, and then the command fails. A failed command makes
 * the device `degraded`; three in a row make it `failed`, and then it asks the controller for its
 * firmware version with a backoff until it answers, and is `ok` again.
 *
 * Motor commands never wait behind polls: each channel has a slot holding its latest command,
 * and slots go first. A newer command for the same channel replaces one not yet sent (its caller
 * is answered with the newer one's outcome), and commands for both channels made in the same
 * turn of the event loop go out as one packet (command 34 or 37).
 *
 * The RoboClaw has no brake command: `brake()` and `coast()` both send duty 0, and what the
 * bridge does at duty 0 depends on the controller's PWM mode. `stopAll()` sends duty 0 to both
 * channels in one packet (command 34). After each (re)open the driver writes `serialTimeoutMs`
 * into the controller (command 14), so the controller stops its motors by itself when the host
 * goes quiet; polls at `pollHz` keep it fed.
 */
class RoboclawMotorController implements RoboclawDevice {
  readonly kind = 'motor-driver' as const;
  readonly compatible = COMPATIBLE;
  readonly id: string;

  private readonly clock: Clock;
  private readonly params: RoboclawParams;
  private readonly path: string;
  private readonly port: ResilientSerialPort;
  private readonly decoder = new RoboclawReplyDecoder();
  private readonly tracker: HealthTracker;
  private readonly probeBackoff = new Backoff({ initialMs: PROBE_INITIAL_MS, maxMs: PROBE_MAX_MS });
  private readonly channels = new Map<string, MotorChannel>();
  private readonly encoderListeners = new ListenerList<(reading: EncoderReading) => void>();
  private readonly batteryListeners = new ListenerList<(reading: BatteryReading) => void>();
  private readonly count = {
    commands: 0,
    failedCommands: 0,
    retries: 0,
    timeouts: 0,
    badReplies: 0,
    polls: 0,
    pollsSkipped: 0,
    probes: 0,
  };

  private motorSlots: Partial<Record<RoboclawMotor, MotorSlot>> = {};
  private readonly queue: Job[] = [];
  private exchange: Exchange | undefined;
  private pumpScheduled = false;

  private running = false;
  /** The controller has answered the probe since the port last opened and has not failed since. */
  private online = false;
  private probeQueued = false;
  private probeTimer: Cancel | undefined;
  private pollTimer: Cancel | undefined;
  private pollsOutstanding = 0;
  private consecutiveFailures = 0;
  private downReason = '';

  private firmware: string | null = null;
  /** The controller's raw counters at the last reading; undefined until the first reading after start or a reopen. */
  private encoderRaw: Record<RoboclawMotor, number> | undefined;
  private readonly counts: Record<RoboclawMotor, number> = { M1: 0, M2: 0 };
  private lastEncoder: EncoderReading | null = null;
  private lastBattery: BatteryReading | null = null;
  private readonly offered: readonly Device[];

  constructor(context: DeviceCreateContext<RoboclawParams>) {
    if (context.bus.kind !== 'serial') {
      throw new Error(`device "${context.id}" (${COMPATIBLE}) needs a serial bus, got a ${context.bus.kind} bus`);
    }
    this.id = context.id;
    this.clock = context.clock;
    this.params = context.params;
    this.path = context.bus.path;
    this.tracker = new HealthTracker(this.clock.nowUs());
    this.tracker.onChange((health, previous) => {
      if (health.state !== previous.state) log('%s: %s -> %s %s', this.id, previous.state, health.state, health.reason);
    });
    this.port = new ResilientSerialPort({
      backend: context.backends.serial,
      path: this.path,
      baudRate: this.params.baudRate,
      clock: this.clock,
      onData: (bytes) => this.handleData(bytes),
      onOpen: () => this.handleOpen(),
      onDown: (reason, error) => this.handleDown(reason, error),
    });
    const encoder: EncoderDevice = {
      ...capabilityBase(this),
      kind: 'encoder',
      channelNames: () => this.encoderChannelNames(),
      onReading: (listener) => this.onEncoderReading(listener),
      lastReading: () => this.lastEncoderReading(),
    };
    const battery: BatteryDevice = {
      ...capabilityBase(this),
      kind: 'battery',
      onReading: (listener) => this.onBatteryReading(listener),
      lastReading: () => this.lastBatteryReading(),
    };
    this.offered = Object.freeze([encoder, battery]);
  }

  /** The controller's encoder counters (an encoder, channels `M1`, `M2`) and its battery voltage (a battery monitor). */
  capabilities(): readonly Device[] {
    return this.offered;
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  /**
   * `commands` (answered), `failedCommands` (after every attempt), `retries`, `timeouts` (attempts
   * with no reply), `badReplies` (bad CRC or not 0xFF), `polls`, `pollsSkipped` (the previous
   * poll was still running), `probes`, `droppedBytes` (bytes outside any reply), and the port's
   * `opens`, `openFailures`, `unexpectedCloses`, `writeErrors`.
   */
  counters(): Record<string, number> {
    return { ...this.count, droppedBytes: this.decoder.counters().droppedBytes, ...this.port.counters() };
  }

  channelNames(): string[] {
    return [...CHANNELS];
  }

  channel(name: string): MotorChannel {
    const existing = this.channels.get(name);
    if (existing) return existing;
    const motor = this.motorNamed(name);
    const channel: MotorChannel = {
      name,
      setDuty: async (duty) => {
        checkDuty(duty);
        return this.commandMotors([motor], 'duty', dutyToRaw(duty));
      },
      brake: () => this.commandMotors([motor], 'duty', 0),
      coast: () => this.commandMotors([motor], 'duty', 0),
    };
    this.channels.set(name, channel);
    return channel;
  }

  /** Duty 0 on both channels, in one packet (command 34). */
  stopAll(): Promise<void> {
    return this.commandMotors(CHANNELS, 'duty', 0);
  }

  /** Duty 0 coasts: the RoboClaw has no brake command (see {@link ROBOCLAW_DUTY_ZERO}). */
  stopBehaviour(): MotorStopBehaviour {
    return ROBOCLAW_DUTY_ZERO;
  }

  encoderChannelNames(): string[] {
    return [...CHANNELS];
  }

  onEncoderReading(listener: (reading: EncoderReading) => void): Unsubscribe {
    return this.encoderListeners.add(listener);
  }

  lastEncoderReading(): EncoderReading | null {
    return this.lastEncoder;
  }

  onBatteryReading(listener: (reading: BatteryReading) => void): Unsubscribe {
    return this.batteryListeners.add(listener);
  }

  lastBatteryReading(): BatteryReading | null {
    return this.lastBattery;
  }

  firmwareVersion(): string | null {
    return this.firmware;
  }

  async resetEncoders(): Promise<void> {
    await this.request({ kind: 'reset-encoders' });
    this.encoderRaw = { M1: 0, M2: 0 };
    this.counts.M1 = 0;
    this.counts.M2 = 0;
  }

  async setSpeedQpps(channel: string, speedQpps: number): Promise<void> {
    const motor = this.motorNamed(channel);
    if (!Number.isFinite(speedQpps) || Math.abs(speedQpps) > 2_147_483_647) {
      throw new RangeError(`speed must be a number of pulses per second within ±2147483647, got ${speedQpps}`);
    }
    return this.commandMotors([motor], 'speed', Math.round(speedQpps));
  }

  async readSpeedQpps(channel: string): Promise<number> {
    const reply = await this.request({ kind: 'read-speed', motor: this.motorNamed(channel) });
    return reply.kind === 'speed' ? reply.speedQpps : NaN;
  }

  /** Opens the port (never rejects: failures become health and a reopen); the controller is probed once it is open. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.setHealth('starting', `opening ${this.path}`);
    this.pollTimer = this.clock.every(US_PER_S / this.params.pollHz, () => this.poll());
    await this.port.start();
  }

  /**
   * Sends duty 0 to both channels without waiting for the acknowledgement (the world may no
   * longer be answering), fails whatever is pending and closes the port.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    const wasOpen = this.port.isOpen();
    this.running = false;
    this.online = false;
    this.pollTimer?.();
    this.pollTimer = undefined;
    this.probeTimer?.();
    this.probeTimer = undefined;
    this.abortAll(new TransportError('ECLOSED', `${this.id} was stopped`));
    if (wasOpen) {
      const stopBytes = encodeRoboclawRequest(this.params.address, { kind: 'duty-both', dutyM1: 0, dutyM2: 0 });
      await this.port.write(stopBytes).catch((error: unknown) => log('%s: stop write: %o', this.id, error));
    }
    await this.port.stop();
    this.setHealth('stopped', '');
  }

  // -------------------------------------------------------------------------------------------
  // Command pipeline

  private motorNamed(name: string): RoboclawMotor {
    if (name === 'M1' || name === 'M2') return name;
    throw new RangeError(`${this.id}: unknown motor channel "${name}"; a RoboClaw has M1, M2`);
  }

  /** Why a command cannot be sent now, or undefined when it can. */
  private refusal(): TransportError | undefined {
    if (!this.running) return new TransportError('ECLOSED', `${this.id} is not started`);
    if (!this.port.isOpen()) {
      return new TransportError('ECLOSED', `${this.path} is not open${this.downReason ? `: ${this.downReason}` : ''}`);
    }
    return undefined;
  }

  private commandMotors(motors: readonly RoboclawMotor[], mode: MotorSlot['mode'], value: number): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    const settled = motors.map(
      (motor) =>
        new Promise<void>((resolve, reject) => {
          const waiter: Waiter = { resolve: () => resolve(), reject };
          const slot = this.motorSlots[motor];
          if (slot) {
            slot.mode = mode;
            slot.value = value;
            slot.waiters.push(waiter);
          } else {
            this.motorSlots[motor] = { mode, value, waiters: [waiter] };
          }
        }),
    );
    this.schedulePump();
    return Promise.all(settled).then(() => undefined);
  }

  private request(request: RoboclawRequest): Promise<RoboclawReply> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise<RoboclawReply>((resolve, reject) => this.enqueue(request, 'user', { resolve, reject }));
  }

  private enqueue(request: RoboclawRequest, purpose: Purpose, waiter: Waiter, first = false): void {
    const job: Job = { request, purpose, waiters: [waiter] };
    if (first) this.queue.unshift(job);
    else this.queue.push(job);
    this.schedulePump();
  }

  /** Runs the pump once the current turn is over, so that commands made together go out together. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.exchange || !this.running || !this.port.isOpen()) return;
    const job = this.nextJob();
    if (!job) return;
    const exchange: Exchange = { job, attempt: 0, deadline: undefined, badReply: undefined };
    this.exchange = exchange;
    this.send(exchange);
  }

  /** Motor slots first (both channels in one packet when they want the same mode), then the queue. */
  private nextJob(): Job | undefined {
    const m1 = this.motorSlots.M1;
    const m2 = this.motorSlots.M2;
    if (m1 && m2 && m1.mode === m2.mode) {
      this.motorSlots = {};
      const request: RoboclawRequest =
        m1.mode === 'duty'
          ? { kind: 'duty-both', dutyM1: m1.value, dutyM2: m2.value }
          : { kind: 'speed-both', speedM1Qpps: m1.value, speedM2Qpps: m2.value };
      return { request, purpose: 'motor', waiters: [...m1.waiters, ...m2.waiters] };
    }
    const motor: RoboclawMotor | undefined = m1 ? 'M1' : m2 ? 'M2' : undefined;
    if (motor) {
      const slot = this.motorSlots[motor] as MotorSlot;
      delete this.motorSlots[motor];
      const request: RoboclawRequest =
        slot.mode === 'duty'
          ? { kind: 'duty', motor, duty: slot.value }
          : { kind: 'speed', motor, speedQpps: slot.value };
      return { request, purpose: 'motor', waiters: slot.waiters };
    }
    return this.queue.shift();
  }

  private send(exchange: Exchange): void {
    exchange.attempt++;
    exchange.badReply = undefined;
    if (exchange.attempt > 1) this.count.retries++;
    const { address } = this.params;
    const bytes = encodeRoboclawRequest(address, exchange.job.request);
    this.decoder.expect(address, exchange.job.request);
    exchange.deadline = this.clock.after(this.params.replyTimeoutMs * US_PER_MS, () => this.handleDeadline(exchange));
    this.port.write(bytes).catch((cause: unknown) => {
      if (this.exchange !== exchange) return;
      this.finish(exchange, TransportError.from(cause, `write to ${this.path}`));
    });
  }

  private handleData(bytes: Uint8Array): void {
    for (const result of this.decoder.push(bytes)) {
      const exchange = this.exchange;
      if (!exchange) continue;
      if (result.ok) {
        this.finish(exchange, result.reply);
      } else {
        this.count.badReplies++;
        exchange.badReply = result.reason;
        log('%s: %s', this.id, result.reason);
      }
    }
  }

  /** The attempt's time is up: send again, or give up after the last attempt. */
  private handleDeadline(exchange: Exchange): void {
    if (this.exchange !== exchange) return;
    exchange.deadline = undefined;
    this.decoder.cancel();
    const why = exchange.badReply ?? `no reply within ${this.params.replyTimeoutMs} ms`;
    if (!exchange.badReply) this.count.timeouts++;
    if (exchange.attempt < ATTEMPTS_PER_COMMAND) {
      log('%s: %s: %s; sending again', this.id, describeRequest(exchange.job.request), why);
      this.send(exchange);
      return;
    }
    const code = exchange.badReply ? 'EIO' : 'ETIMEDOUT';
    this.finish(
      exchange,
      new TransportError(code, `${describeRequest(exchange.job.request)}: ${why} (${ATTEMPTS_PER_COMMAND} attempts)`),
    );
  }

  private finish(exchange: Exchange, outcome: RoboclawReply | TransportError): void {
    exchange.deadline?.();
    exchange.deadline = undefined;
    this.exchange = undefined;
    const { job } = exchange;
    if (job.purpose === 'probe') this.probeQueued = false;
    if (outcome instanceof TransportError) {
      this.noteFailure(job, outcome);
      for (const waiter of job.waiters) waiter.reject(outcome);
    } else {
      this.noteSuccess(job, outcome);
      for (const waiter of job.waiters) waiter.resolve(outcome);
    }
    this.schedulePump();
  }

  /** Fails everything pending or on the wire (the port went down, or the device is stopping). */
  private abortAll(error: TransportError): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.decoder.cancel();
    const waiters: Waiter[] = [];
    if (exchange) {
      exchange.deadline?.();
      waiters.push(...exchange.job.waiters);
    }
    for (const slot of Object.values(this.motorSlots)) waiters.push(...slot.waiters);
    this.motorSlots = {};
    for (const job of this.queue.splice(0)) waiters.push(...job.waiters);
    this.probeQueued = false;
    for (const waiter of waiters) waiter.reject(error);
  }

  // -------------------------------------------------------------------------------------------
  // Health

  private noteSuccess(job: Job, reply: RoboclawReply): void {
    this.count.commands++;
    this.consecutiveFailures = 0;
    if (job.purpose === 'probe') {
      if (reply.kind === 'firmware') this.firmware = reply.version;
      log('%s: RoboClaw at 0x%s answers: %s', this.id, this.params.address.toString(16), this.firmware);
      this.online = true;
      this.probeBackoff.reset();
      this.setHealth('ok', '');
      this.enqueueSerialTimeout();
      return;
    }
    if (this.online) {
      this.setHealth('ok', '');
    } else if (!this.probeQueued) {
      // It answers again: check it now rather than at the end of the backoff.
      this.probeTimer?.();
      this.probeTimer = undefined;
      this.enqueueProbe();
    }
  }

  private noteFailure(job: Job, error: TransportError): void {
    this.count.failedCommands++;
    if (!this.running || !this.port.isOpen()) return;
    this.consecutiveFailures++;
    const addressHex = `0x${this.params.address.toString(16)}`;
    if (job.purpose === 'probe') {
      this.online = false;
      this.setHealth(
        'failed',
        `no answer from the RoboClaw at address ${addressHex} on ${this.path}: ${error.message} ` +
          `(is it in packet serial mode, address ${addressHex}, ${this.params.baudRate} baud?)`,
      );
      this.scheduleProbe();
      return;
    }
    if (!this.online) return;
    if (this.consecutiveFailures >= FAILED_AFTER_COMMANDS) {
      this.online = false;
      this.setHealth('failed', `${this.consecutiveFailures} commands in a row failed: ${error.message}`);
      this.scheduleProbe();
    } else {
      this.setHealth('degraded', `command failed: ${error.message}`);
    }
  }

  private enqueueProbe(): void {
    if (this.probeQueued || !this.running) return;
    this.probeQueued = true;
    this.count.probes++;
    const ignore = (): void => undefined;
    this.enqueue({ kind: 'read-firmware' }, 'probe', { resolve: ignore, reject: ignore }, true);
  }

  private scheduleProbe(): void {
    if (this.probeTimer || !this.running) return;
    const delayMs = this.probeBackoff.nextDelayMs();
    log('%s: asking the controller again in %d ms', this.id, Math.round(delayMs));
    this.probeTimer = this.clock.after(delayMs * US_PER_MS, () => {
      this.probeTimer = undefined;
      if (this.port.isOpen()) this.enqueueProbe();
    });
  }

  /** Writes the controller's own serial timeout (command 14), first in the queue. */
  private enqueueSerialTimeout(): void {
    const tenthsOfSecond = Math.round(this.params.serialTimeoutMs / SERIAL_TIMEOUT_STEP_MS);
    const ignore = (): void => undefined;
    this.enqueue({ kind: 'set-serial-timeout', tenthsOfSecond }, 'setup', { resolve: ignore, reject: ignore }, true);
  }

  private handleOpen(): void {
    this.downReason = '';
    this.online = false;
    this.encoderRaw = undefined;
    this.consecutiveFailures = 0;
    this.decoder.cancel();
    this.setHealth(
      'starting',
      `${this.path} open, asking the RoboClaw at address 0x${this.params.address.toString(16)} for its firmware version`,
    );
    this.enqueueProbe();
  }

  private handleDown(reason: string, error: TransportError | undefined): void {
    this.downReason = reason;
    this.online = false;
    this.probeTimer?.();
    this.probeTimer = undefined;
    this.abortAll(new TransportError(error?.code ?? 'ECLOSED', reason));
    this.pollsOutstanding = 0;
    this.setHealth('failed', reason);
  }

  private setHealth(state: HealthState, reason: string): void {
    this.tracker.set(state, reason, this.clock.nowUs());
  }

  // -------------------------------------------------------------------------------------------
  // Polling: both encoders, then the battery

  private poll(): void {
    if (!this.online || !this.port.isOpen()) return;
    if (this.pollsOutstanding > 0) {
      this.count.pollsSkipped++;
      return;
    }
    this.count.polls++;
    this.pollsOutstanding = 3;
    const done = (): void => {
      this.pollsOutstanding = Math.max(0, this.pollsOutstanding - 1);
    };
    let rawM1: number | undefined;
    this.enqueue({ kind: 'read-encoder', motor: 'M1' }, 'poll', {
      resolve: (reply) => {
        if (reply.kind === 'encoder') rawM1 = reply.count;
        done();
      },
      reject: done,
    });
    this.enqueue({ kind: 'read-encoder', motor: 'M2' }, 'poll', {
      resolve: (reply) => {
        if (reply.kind === 'encoder' && rawM1 !== undefined) this.emitEncoders(rawM1, reply.count);
        done();
      },
      reject: done,
    });
    this.enqueue({ kind: 'read-main-battery' }, 'poll', {
      resolve: (reply) => {
        if (reply.kind === 'main-battery') this.emitBattery(reply.voltageDecivolts);
        done();
      },
      reject: done,
    });
  }

  /** Adds the change of each 32-bit counter since the last reading (wrap-safe) to the signed counts. */
  private emitEncoders(rawM1: number, rawM2: number): void {
    const previous = this.encoderRaw;
    if (previous) {
      this.counts.M1 += (rawM1 - previous.M1) | 0;
      this.counts.M2 += (rawM2 - previous.M2) | 0;
    }
    this.encoderRaw = { M1: rawM1, M2: rawM2 };
    const { ticksPerMetre } = this.params;
    const reading: EncoderReading = {
      counts: { M1: this.counts.M1, M2: this.counts.M2 },
      travelM: { M1: this.counts.M1 / ticksPerMetre, M2: this.counts.M2 / ticksPerMetre },
      stampUs: this.clock.nowUs(),
    };
    this.lastEncoder = reading;
    for (const listener of this.encoderListeners) listener(reading);
  }

  private emitBattery(voltageDecivolts: number): void {
    const reading: BatteryReading = {
      voltageV: voltageDecivolts / 10,
      currentA: NaN,
      powerW: NaN,
      stampUs: this.clock.nowUs(),
    };
    this.lastBattery = reading;
    for (const listener of this.batteryListeners) listener(reading);
  }
}

function describeRequest(request: RoboclawRequest): string {
  const motor = 'motor' in request ? ` ${request.motor}` : '';
  return `command ${commandCode(request)} (${request.kind}${motor})`;
}

/**
 * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output type;
 * a schema with defaults accepts a looser input (fields may be missing), so it is widened here.
 */
const paramsSchema = roboclawParamsSchema as ZodType<RoboclawParams, ZodTypeDef, unknown> as ZodType<RoboclawParams>;

/**
 * Basicmicro RoboClaw 2-channel motor controller in packet serial mode (USB or UART), with its
 * quadrature encoder counters and main battery voltage read at `pollHz`. Board config:
 * `compatible: basicmicro,roboclaw` on a `serial` bus; the packet serial address goes in
 * `params.address` (the node's `address` is for I2C). See {@link RoboclawDevice}.
 */
export const roboclawModel: DeviceModel<RoboclawParams, RoboclawDevice> = {
  compatible: COMPATIBLE,
  kind: 'motor-driver',
  description: 'Basicmicro RoboClaw 2-channel motor controller, packet serial with CRC16, encoders and battery voltage',
  busKind: 'serial',
  address: 'none',
  pins: NO_PINS,
  paramsSchema,
  create: (context) => new RoboclawMotorController(context),
};
