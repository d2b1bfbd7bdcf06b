import createDebug from 'debug';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import { HealthTracker } from '../../device-health.js';
import type { DeviceHealth } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { namedPins, type NodeWiring, type PinDeclaration, type WiringProblem } from '../../device-wiring.js';
import type { GpioLevel, GpioLine } from '../../transport/gpio/api.js';
import type { PwmBackend, PwmChannel, PwmChannelSpec } from '../../transport/pwm/api.js';
import { SoftwarePwmBackend } from '../../transport/pwm/software-pwm-backend.js';
import { TransportError } from '../../transport/transport-error.js';
import type { MotorChannel, MotorDriverDevice, MotorStopBehaviour } from '../api.js';
import { L298_FAST_STOP, TB6612_SHORT_BRAKE } from '../stop-behaviours.js';
import type { BridgeCommand } from '../bridge-codec.js';
import { BridgeCommandQueue } from '../bridge-command-queue.js';
import { L298N_PIN_NAMES, TB6612FNG_PIN_NAMES, bridgeInputs, resolveWiring } from './codec.js';
import type { BridgeLines, HBridgeInputs, HBridgePinNames } from './codec.js';
import { HBRIDGE_BRIDGE_NAMES, l298nParamsSchema, tb6612GpioParamsSchema } from './params.js';
import type { GpioHBridgeParams } from './params.js';
import type { Unsubscribe } from '../../listener-list.js';

const log = createDebug('spinal:hal:gpio-hbridge');

/** Commands failing in a row (each after its writes failed) before the device is `failed` rather than `degraded`. */
const FAILED_AFTER_COMMANDS = 3;

/** The open lines of one bridge and what was last written to them. */
interface BridgeHandles {
  readonly lines: BridgeLines;
  readonly in1: GpioLine;
  readonly in2: GpioLine;
  readonly pwm: PwmChannel;
  enabled: boolean;
  /** The inputs last written in full; undefined while unknown (before the first write, after a failure). */
  applied: HBridgeInputs | undefined;
}

/**
 * One L298N or TB6612FNG board on GPIO lines: per bridge two direction lines (IN1, IN2) and a PWM on
 * its enable / PWM input, either the kernel's hardware PWM (`context.backends.pwm`) or software PWM
 * toggling a GPIO line ({@link SoftwarePwmBackend} over `context.backends.gpio`).
 *
 * `start()` opens every line, puts every bridge in `stopMode`, then raises the TB6612's STBY; a
 * failed start is retried with {@link Backoff} on the clock. Commands go through a
 * {@link BridgeCommandQueue} (one at a time, a waiting `setDuty` replaced by a newer one). A
 * command writes only the inputs that change, in an order that never drives harder than the old
 * or the new command in between: PWM down first when it drops, then IN1/IN2, then PWM up when it
 * rises (a direction change passes through IN1 = IN2, a brake on both chips).
 * A command whose writes fail is rejected with the TransportError and the device turns `degraded`
 * (`failed` after three in a row); once failed, it closes every line and opens them again after a
 * backoff, and is `ok` when that works. `stop()` coasts every bridge, puts the TB6612 in standby and
 * releases the lines (released lines float: the L298 data sheet asks for EN low before its supply
 * goes off, "Application information", §2).
 */
export class GpioHBridge implements MotorDriverDevice {
  readonly kind = 'motor-driver' as const;
  readonly id: string;
  readonly compatible: string;

  private readonly clock: Clock;
  private readonly context: DeviceCreateContext<GpioHBridgeParams>;
  private readonly pinNames: HBridgePinNames;
  private readonly chipLabel: string;
  private readonly wiring: BridgeLines[];
  private readonly standbyLine: number | undefined;
  private readonly pwmSpecs = new Map<string, PwmChannelSpec>();
  private readonly pwmBackend: PwmBackend;
  private readonly stopCommand: BridgeCommand;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff();
  private readonly queue = new BridgeCommandQueue<'init'>((job) =>
    job.kind === 'task' ? this.runInit() : this.runBridges(job.channels, job.command),
  );
  private readonly count = { writes: 0, writeErrors: 0, pwmErrors: 0, initAttempts: 0 };

  private handles = new Map<string, BridgeHandles>();
  private standby: GpioLine | undefined;
  private ready = false;
  private consecutiveFailures = 0;
  private lastError: TransportError | undefined;
  private retryTimer: Cancel | undefined;
  private started: Promise<void> | undefined;
  private closing = false;

  constructor(context: DeviceCreateContext<GpioHBridgeParams>, compatible: string, pinNames: HBridgePinNames) {
    const fail = (message: string): never => {
      throw new Error(`device "${context.id}" (${compatible}): ${message}`);
    };
    const bus = context.bus;
    if (bus.kind !== 'gpio') fail(`needs a gpio bus, "${bus.id}" is ${bus.kind}`);
    this.chipLabel = bus.kind === 'gpio' ? bus.chipLabel : '';
    const { pwm } = context.params;
    const software = pwm.mode === 'software';
    let wiring: ReturnType<typeof resolveWiring> | undefined;
    try {
      wiring = resolveWiring(pinNames, context.pins, software);
    } catch (error) {
      fail(`pins: ${(error as Error).message}`);
    }
    this.wiring = wiring?.bridges ?? [];
    this.standbyLine = wiring?.standby;
    const periodNs = Math.round(1e9 / pwm.frequencyHz);
    const wired = new Set(this.wiring.map((bridge) => bridge.name));
    for (const name of HBRIDGE_BRIDGE_NAMES) {
      if (!software && pwm.channels[name] && !wired.has(name)) {
        fail(`params.pwm.channels.${name} is given, but bridge ${name} has no pins`);
      }
    }
    for (const bridge of this.wiring) {
      if (software) {
        this.pwmSpecs.set(bridge.name, { chip: this.chipLabel, channel: bridge.pwm ?? -1, periodNs });
        continue;
      }
      const channel = pwm.channels[bridge.name as (typeof HBRIDGE_BRIDGE_NAMES)[number]];
      if (!channel) fail(`params.pwm.channels.${bridge.name} is required with pwm.mode hardware`);
      else this.pwmSpecs.set(bridge.name, { chip: channel.chip, channel: channel.channel, periodNs });
    }
    this.id = context.id;
    this.compatible = compatible;
    this.context = context;
    this.clock = context.clock;
    this.pinNames = pinNames;
    this.stopCommand = { mode: context.params.stopMode };
    this.pwmBackend = software
      ? new SoftwarePwmBackend(context.backends.gpio, context.clock, {
          onWriteError: (spec, error) => this.noteBackgroundPwmError(spec, error),
        })
      : context.backends.pwm;
    this.tracker = new HealthTracker(this.clock.nowUs());
    this.tracker.onChange((health, previous) => {
      log('%s: %s -> %s %s', this.id, previous.state, health.state, health.reason);
    });
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  /**
   * `writes` (line and PWM writes that went through), `writeErrors` (commands failed), `pwmErrors`
   * (software PWM edges that failed between commands), `initAttempts`.
   */
  counters(): Record<string, number> {
    return { ...this.count };
  }

  /** The wired bridges, `A` and/or `B`. */
  channelNames(): string[] {
    return this.wiring.map((bridge) => bridge.name);
  }

  channel(name: string): MotorChannel {
    if (!this.wiring.some((bridge) => bridge.name === name)) {
      throw new RangeError(
        `${this.id}: unknown motor channel "${name}"; this board has ${this.channelNames().join(', ')}`,
      );
    }
    return this.queue.channel(name);
  }

  /** Puts every bridge in `stopMode` (brake by default); one bridge's failure does not keep the other from stopping. */
  stopAll(): Promise<void> {
    return this.queue.command(this.channelNames(), this.stopCommand, false);
  }

  stopBehaviour(): MotorStopBehaviour {
    return this.compatible === 'st,l298n' ? L298_FAST_STOP : TB6612_SHORT_BRAKE;
  }

  /** Resolves once the first start attempt is over, whatever its outcome: see `health()`. Never rejects. */
  start(): Promise<void> {
    if (!this.started) {
      this.closing = false;
      this.started = this.queue.task('init').catch(() => undefined);
    }
    return this.started;
  }

  /** Coasts every bridge and puts a TB6612 in standby (best effort), releases the lines, stops retrying. */
  async stop(): Promise<void> {
    this.retryTimer?.();
    this.retryTimer = undefined;
    if (this.ready) await this.queue.command(this.channelNames(), { mode: 'coast' }, false).catch(() => undefined);
    this.closing = true;
    await this.standby?.write(0).catch((error: unknown) => log('%s: standby: %o', this.id, error));
    this.ready = false;
    this.started = undefined;
    await this.closeLines();
    this.tracker.set('stopped', '', this.clock.nowUs());
  }

  /** Opens every line (closing what an earlier attempt left), each bridge to `stopMode`, then STBY high. */
  private async runInit(): Promise<TransportError | undefined> {
    if (this.closing) return new TransportError('ECLOSED', `${this.id} is stopped`);
    this.count.initAttempts++;
    this.ready = false;
    await this.closeLines();
    try {
      const gpio = this.context.backends.gpio;
      if (this.standbyLine !== undefined) {
        this.standby = await gpio.open({ chipLabel: this.chipLabel, line: this.standbyLine, direction: 'out' });
        await this.write(this.standby, 0);
      }
      for (const lines of this.wiring) {
        const open = (line: number): Promise<GpioLine> =>
          gpio.open({ chipLabel: this.chipLabel, line, direction: 'out' });
        const in1 = await open(lines.in1);
        const in2 = await open(lines.in2).catch(async (error: unknown) => {
          await in1.close().catch(() => undefined);
          throw error;
        });
        const pwm = await this.pwmBackend.open(this.pwmSpec(lines.name)).catch(async (error: unknown) => {
          await Promise.all([in1.close(), in2.close()]).catch(() => undefined);
          throw error;
        });
        this.handles.set(lines.name, { lines, in1, in2, pwm, enabled: false, applied: undefined });
      }
      const stopInputs = bridgeInputs(this.pinNames.chip, this.stopCommand);
      for (const handles of this.handles.values()) await this.apply(handles, stopInputs);
      if (this.standby) await this.write(this.standby, 1);
      log('%s: started, %s PWM, bridges %s', this.id, this.context.params.pwm.mode, this.channelNames().join(', '));
    } catch (cause) {
      const error = TransportError.from(cause, `${this.id} start`);
      this.lastError = error;
      await this.closeLines();
      this.tracker.set('failed', `start failed: ${error.message}`, this.clock.nowUs());
      this.scheduleRecovery();
      return error;
    }
    this.ready = true;
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    this.backoff.reset();
    this.tracker.set('ok', '', this.clock.nowUs());
    return undefined;
  }

  private async runBridges(bridges: readonly string[], command: BridgeCommand): Promise<TransportError | undefined> {
    if (!this.ready || this.closing)
      return this.lastError ?? new TransportError('ECLOSED', `${this.id} is not started`);
    const inputs = bridgeInputs(this.pinNames.chip, command);
    let firstError: TransportError | undefined;
    for (const bridge of bridges) {
      const handles = this.handles.get(bridge);
      if (!handles) continue;
      try {
        await this.apply(handles, inputs);
      } catch (cause) {
        firstError ??= TransportError.from(cause, `${this.id} ${bridge}`);
      }
    }
    if (firstError) this.noteFailure(firstError);
    else this.noteSuccess();
    return firstError;
  }

  /**
   * Writes the inputs that differ from the last ones written: PWM down first, direction, PWM up.
   * With nothing known about the lines, PWM to 0, both directions, then the PWM. A failed write
   * leaves the state unknown, so the next command writes everything.
   */
  private async apply(handles: BridgeHandles, next: HBridgeInputs): Promise<void> {
    const previous = handles.applied;
    handles.applied = undefined;
    const { in1, in2, pwm } = handles;
    if (!previous) {
      await this.setPwm(pwm, 0);
      await this.write(in1, next.in1);
      await this.write(in2, next.in2);
      if (next.pwmDuty > 0) await this.setPwm(pwm, next.pwmDuty);
    } else {
      if (next.pwmDuty < previous.pwmDuty) await this.setPwm(pwm, next.pwmDuty);
      if (next.in1 !== previous.in1) await this.write(in1, next.in1);
      if (next.in2 !== previous.in2) await this.write(in2, next.in2);
      if (next.pwmDuty > previous.pwmDuty) await this.setPwm(pwm, next.pwmDuty);
    }
    if (!handles.enabled) {
      await pwm.enable(true);
      this.count.writes++;
      handles.enabled = true;
    }
    handles.applied = next;
  }

  private async write(line: GpioLine, level: GpioLevel): Promise<void> {
    await line.write(level);
    this.count.writes++;
  }

  private async setPwm(pwm: PwmChannel, duty: number): Promise<void> {
    await pwm.setDuty(duty);
    this.count.writes++;
  }

  private noteFailure(error: TransportError): void {
    this.count.writeErrors++;
    this.consecutiveFailures++;
    this.lastError = error;
    const nowUs = this.clock.nowUs();
    if (this.consecutiveFailures >= FAILED_AFTER_COMMANDS) {
      this.tracker.set('failed', `${this.consecutiveFailures} motor commands failed in a row: ${error.message}`, nowUs);
      this.scheduleRecovery();
    } else {
      this.tracker.set('degraded', `motor command failed: ${error.message}`, nowUs);
    }
  }

  private noteSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.ready && this.tracker.get().state !== 'ok') this.tracker.set('ok', '', this.clock.nowUs());
  }

  /** A software PWM edge failed between commands: that bridge's state is unknown until the next command. */
  private noteBackgroundPwmError(spec: PwmChannelSpec, error: TransportError): void {
    if (this.closing) return;
    this.count.pwmErrors++;
    for (const handles of this.handles.values()) {
      if (handles.pwm.spec === spec) handles.applied = undefined;
    }
    const nowUs = this.clock.nowUs();
    if (this.tracker.get().state === 'ok') {
      this.tracker.set('degraded', `software PWM on line ${spec.channel} failed: ${error.message}`, nowUs);
    }
  }

  private pwmSpec(bridge: string): PwmChannelSpec {
    const spec = this.pwmSpecs.get(bridge);
    if (!spec) throw new TransportError('EINVAL', `${this.id}: no PWM for bridge ${bridge}`);
    return spec;
  }

  /** Closes every open line and PWM channel; errors are logged, not thrown. */
  private async closeLines(): Promise<void> {
    const closing: Array<Promise<void>> = [];
    for (const handles of this.handles.values())
      closing.push(handles.pwm.close(), handles.in1.close(), handles.in2.close());
    if (this.standby) closing.push(this.standby.close());
    this.handles = new Map();
    this.standby = undefined;
    const results = await Promise.allSettled(closing);
    for (const result of results) {
      if (result.status === 'rejected') log('%s: close: %o', this.id, result.reason);
    }
  }

  /** Schedules the next start attempt on the clock, after a growing delay; one at a time. */
  private scheduleRecovery(): void {
    if (this.closing || this.retryTimer) return;
    const delayMs = this.backoff.nextDelayMs();
    log('%s: reopening the lines in %d ms', this.id, Math.round(delayMs));
    this.retryTimer = this.clock.after(delayMs * US_PER_MS, () => {
      this.retryTimer = undefined;
      this.queue.task('init').catch(() => undefined);
    });
  }
}

/**
 * A board's pins as the registry declares them: each bridge's two direction pins together, its PWM
 * pin only with them, at least one bridge, and the standby pin if the chip has one.
 */
function hbridgePins(names: HBridgePinNames): PinDeclaration {
  return namedPins({
    sets: Object.entries(names.bridges).map(([name, bridge]) => ({
      name: `bridge ${name}`,
      pins: [bridge.in1, bridge.in2],
      extras: [bridge.pwm],
    })),
    minimumSets: 1,
    optional: names.standby === undefined ? [] : [names.standby],
  });
}

/**
 * What the PWM mode asks of the wiring: in software PWM each wired bridge's PWM pin; in hardware
 * PWM a `params.pwm.channels` entry for each wired bridge and none for a bridge without pins.
 */
function checkPwmWiring(names: HBridgePinNames) {
  return (wiring: NodeWiring, params: GpioHBridgeParams): WiringProblem | undefined => {
    const software = params.pwm.mode === 'software';
    for (const name of HBRIDGE_BRIDGE_NAMES) {
      const bridge = names.bridges[name];
      if (!bridge) continue;
      const wired = wiring.pins[bridge.in1] !== undefined;
      if (software) {
        if (wired && wiring.pins[bridge.pwm] === undefined) {
          return { field: `pins.${bridge.pwm}`, problem: `is required for software PWM (bridge ${name})` };
        }
        continue;
      }
      const channel = params.pwm.channels[name];
      if (wired && !channel) {
        return { field: `params.pwm.channels.${name}`, problem: 'is required with pwm.mode hardware' };
      }
      if (!wired && channel) {
        return { field: `params.pwm.channels.${name}`, problem: `is given, but bridge ${name} has no pins` };
      }
    }
    return undefined;
  };
}

/** L298N dual H-bridge module on GPIO: bridges A (in1, in2, ena) and B (in3, in4, enb). */
export const l298nModel: DeviceModel<GpioHBridgeParams, MotorDriverDevice> = {
  compatible: 'st,l298n',
  kind: 'motor-driver',
  description: 'ST L298N dual H-bridge on GPIO lines (IN1/IN2 + ENA, IN3/IN4 + ENB), hardware or software PWM',
  busKind: 'gpio',
  address: 'none',
  pins: hbridgePins(L298N_PIN_NAMES),
  paramsSchema: l298nParamsSchema,
  checkWiring: checkPwmWiring(L298N_PIN_NAMES),
  create: (context) => new GpioHBridge(context, 'st,l298n', L298N_PIN_NAMES),
};

/** TB6612FNG dual H-bridge breakout on GPIO: bridges A (ain1, ain2, pwma) and B (bin1, bin2, pwmb), STBY. */
export const tb6612GpioModel: DeviceModel<GpioHBridgeParams, MotorDriverDevice> = {
  compatible: 'toshiba,tb6612fng-gpio',
  kind: 'motor-driver',
  description:
    'Toshiba TB6612FNG dual H-bridge on GPIO lines (AIN1/AIN2 + PWMA, BIN1/BIN2 + PWMB, STBY), hardware or software PWM',
  busKind: 'gpio',
  address: 'none',
  pins: hbridgePins(TB6612FNG_PIN_NAMES),
  paramsSchema: tb6612GpioParamsSchema,
  checkWiring: checkPwmWiring(TB6612FNG_PIN_NAMES),
  create: (context) => new GpioHBridge(context, 'toshiba,tb6612fng-gpio', TB6612FNG_PIN_NAMES),
};
