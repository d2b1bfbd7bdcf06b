import createDebug from 'debug';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import type { DeviceHealth } from '../../device-health.js';
import { HealthTracker } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { checkI2cAddress } from '../../transport/i2c/api.js';
import { I2cChipLink } from '../../transport/i2c/i2c-chip-link.js';
import type { RetryingI2cDevice } from '../../transport/i2c/retrying-i2c-device.js';
import { TransportError, isDeviceGone } from '../../transport/transport-error.js';
import type { MotorChannel, MotorDriverDevice, MotorStopBehaviour } from '../api.js';
import { TB6612_SHORT_BRAKE } from '../stop-behaviours.js';
import type { BridgeCommand } from '../bridge-codec.js';
import { BridgeCommandQueue } from '../bridge-command-queue.js';
import type { BridgeJob } from '../bridge-command-queue.js';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  MODE1_AI,
  MODE1_SLEEP,
  REG_MODE1,
  REG_PRE_SCALE,
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
  pointerWrite,
  prescaleForFrequency,
  restartSequence,
  tb6612Writes,
} from './codec.js';
import type { Tb6612PinMap } from './codec.js';
import { motorHatParamsSchema } from './params.js';
import type { MotorHatParams } from './params.js';
import type { Unsubscribe } from '../../listener-list.js';

const log = createDebug('spinal:hal:pca9685-tb6612');

/** Immediate retries of a bus write that is not acknowledged (see {@link RetryingI2cDevice}). */
const WRITE_RETRIES = 2;
/** Consecutive failed motor commands after which the device is `failed` rather than `degraded`. */
const FAILED_AFTER_COMMANDS = 3;

/** The driver's own jobs: the start sequence, and the check of a chip that stopped answering. */
type Task = 'init' | 'verify';

/**
 * A TB6612 motor HAT driven through a PCA9685. `start()` runs the datasheet restart sequence and
 * puts every motor in `stopMode`; a failed start is retried with {@link Backoff} on the clock.
 * Motor commands go through a {@link BridgeCommandQueue} (one at a time, a waiting `setDuty`
 * replaced by a newer one) and are written one transaction at a time through a
 * {@link RetryingI2cDevice}: a write that is not acknowledged is retried twice at once, then the
 * command fails, the device turns `degraded` (`failed` after three commands in a row: health is
 * counted per command, which is several writes, not per transaction) and, once failed, it checks
 * the chip with a backoff and re-runs the start sequence if the chip has lost its setup (a power
 * cycle puts it to sleep). Register reads (start and check) are not retried: the start or the
 * check fails, and is tried again with the backoff.
 */
export class Pca9685MotorHat implements MotorDriverDevice {
  readonly kind = 'motor-driver' as const;
  readonly id: string;
  readonly compatible: string;

  private readonly clock: Clock;
  private readonly context: DeviceCreateContext<MotorHatParams>;
  private readonly busPath: string;
  private readonly address: number;
  private readonly pinMap: Tb6612PinMap;
  private readonly motors: string[];
  private readonly prescale: number;
  private readonly stopCommand: BridgeCommand;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff();
  private readonly queue = new BridgeCommandQueue<Task>((job) => this.run(job));
  private readonly count = { writes: 0, writeErrors: 0, initAttempts: 0 };

  /** The chip's writes, retried, on the open bus (the bus handle is closed and opened again as the chip recovers). */
  private readonly chip: I2cChipLink;
  private initialized = false;
  private consecutiveFailures = 0;
  private lastError: TransportError | undefined;
  private retryTimer: Cancel | undefined;
  private started: Promise<void> | undefined;
  private closing = false;

  constructor(context: DeviceCreateContext<MotorHatParams>, compatible: string, pinMap: Tb6612PinMap) {
    if (context.address === undefined) {
      throw new Error(`device "${context.id}" (${compatible}): an I2C address is required (the HAT's jumpers set it)`);
    }
    checkI2cAddress(context.address);
    const bus = context.bus;
    if (bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${compatible}): needs an i2c bus, "${bus.id}" is ${bus.kind}`);
    }
    this.busPath = bus.path;
    this.id = context.id;
    this.compatible = compatible;
    this.context = context;
    this.clock = context.clock;
    this.address = context.address;
    this.pinMap = pinMap;
    this.motors = Object.keys(pinMap);
    this.prescale = prescaleForFrequency(context.params.pwmFrequencyHz);
    this.stopCommand = { mode: context.params.stopMode };
    // Health is worked out per motor command (see the class), not from the transactions.
    this.chip = new I2cChipLink({
      backend: context.backends.i2c,
      busPath: this.busPath,
      address: this.address,
      onHealth: () => undefined,
      policy: { retries: WRITE_RETRIES },
    });
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

  /** `writes` (bus writes acknowledged), `writeErrors` (commands failed after retries), `retries`, `initAttempts`. */
  counters(): Record<string, number> {
    const retries = this.chip.counters().retries;
    return {
      writes: this.count.writes,
      writeErrors: this.count.writeErrors,
      retries,
      initAttempts: this.count.initAttempts,
    };
  }

  channelNames(): string[] {
    return [...this.motors];
  }

  channel(name: string): MotorChannel {
    if (!this.motors.includes(name)) {
      throw new RangeError(`${this.id}: unknown motor channel "${name}"; this HAT has ${this.motors.join(', ')}`);
    }
    return this.queue.channel(name);
  }

  /** Puts every motor in `stopMode` (brake by default); one motor's failure does not keep the others from stopping. */
  stopAll(): Promise<void> {
    return this.queue.command(this.motors, this.stopCommand, false);
  }

  stopBehaviour(): MotorStopBehaviour {
    return TB6612_SHORT_BRAKE;
  }

  /** Resolves once the first start attempt is over, whatever its outcome: see `health()`. Never rejects. */
  start(): Promise<void> {
    if (!this.started) {
      this.closing = false;
      this.started = this.queue.task('init').catch(() => undefined);
    }
    return this.started;
  }

  /** Stops the motors (best effort), closes the bus and stops retrying. */
  async stop(): Promise<void> {
    this.retryTimer?.();
    this.retryTimer = undefined;
    if (this.chip.device) await this.stopAll().catch(() => undefined);
    this.closing = true;
    this.initialized = false;
    this.started = undefined;
    await this.chip.close().catch((error: unknown) => log('%s: close: %o', this.id, error));
    this.tracker.set('stopped', '', this.clock.nowUs());
  }

  /** Runs one job; returns the error its waiters get, never throws. */
  private async run(job: BridgeJob<Task>): Promise<TransportError | undefined> {
    if (job.kind === 'command') return this.runMotors(job.channels, job.command);
    return job.task === 'init' ? this.runInit() : this.runVerify();
  }

  /** Datasheet restart sequence at the configured frequency, then every motor in `stopMode`. */
  private async runInit(): Promise<TransportError | undefined> {
    if (this.closing) return new TransportError('ECLOSED', `${this.id} is stopped`);
    this.count.initAttempts++;
    this.initialized = false;
    try {
      const link = await this.openLink();
      const mode1 = await this.readRegister(link, REG_MODE1);
      const sequence = restartSequence(mode1, this.prescale);
      log('%s: init, MODE1 was 0x%s, prescale %d', this.id, mode1.toString(16), this.prescale);
      for (const bytes of sequence.beforeSettle) await this.write(link, bytes);
      await this.wait(sequence.settleUs);
      if (this.closing) return new TransportError('ECLOSED', `${this.id} was stopped during init`);
      for (const bytes of sequence.afterSettle) await this.write(link, bytes);
      for (const motor of this.motors) {
        for (const bytes of tb6612Writes(this.pinMap, motor, this.stopCommand)) await this.write(link, bytes);
      }
    } catch (cause) {
      const error = TransportError.from(cause, `${this.id} init`);
      this.lastError = error;
      this.dropBusIfBroken(error);
      this.tracker.set('failed', `init failed: ${error.message}`, this.clock.nowUs());
      this.scheduleRecovery('init');
      return error;
    }
    this.initialized = true;
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    this.backoff.reset();
    this.tracker.set('ok', '', this.clock.nowUs());
    return undefined;
  }

  /**
   * After failed commands: asks the chip whether it still holds its setup (awake, auto-increment,
   * our prescale). A chip that lost power wakes up asleep; then the start sequence runs again.
   */
  private async runVerify(): Promise<TransportError | undefined> {
    if (this.closing) return undefined;
    try {
      const link = await this.openLink();
      const mode1 = await this.readRegister(link, REG_MODE1);
      const prescale = await this.readRegister(link, REG_PRE_SCALE);
      const intact = (mode1 & MODE1_SLEEP) === 0 && (mode1 & MODE1_AI) !== 0 && prescale === this.prescale;
      if (!intact) {
        log('%s: chip lost its setup (MODE1 0x%s, PRE_SCALE %d): restarting it', this.id, mode1.toString(16), prescale);
        return this.runInit();
      }
    } catch (cause) {
      const error = TransportError.from(cause, `${this.id} check`);
      this.lastError = error;
      this.dropBusIfBroken(error);
      if (this.tracker.get().state === 'failed') {
        this.tracker.set('failed', `not answering: ${error.message}`, this.clock.nowUs());
      }
      this.scheduleRecovery('verify');
      return error;
    }
    this.consecutiveFailures = 0;
    this.backoff.reset();
    if (this.initialized) this.tracker.set('ok', '', this.clock.nowUs());
    return undefined;
  }

  private async runMotors(motors: readonly string[], command: BridgeCommand): Promise<TransportError | undefined> {
    const link = this.chip.device;
    if (!link || this.closing) {
      return this.lastError ?? new TransportError('ECLOSED', `${this.id} is not started`);
    }
    let firstError: TransportError | undefined;
    for (const motor of motors) {
      try {
        for (const bytes of tb6612Writes(this.pinMap, motor, command)) await this.write(link, bytes);
      } catch (cause) {
        firstError ??= TransportError.from(cause, `${this.id} ${motor}`);
      }
    }
    if (firstError) this.noteCommandFailure(firstError);
    else this.noteCommandSuccess();
    return firstError;
  }

  private noteCommandFailure(error: TransportError): void {
    this.count.writeErrors++;
    this.consecutiveFailures++;
    this.lastError = error;
    this.dropBusIfBroken(error);
    const nowUs = this.clock.nowUs();
    if (this.consecutiveFailures >= FAILED_AFTER_COMMANDS) {
      this.tracker.set('failed', `${this.consecutiveFailures} motor commands failed in a row: ${error.message}`, nowUs);
      this.scheduleRecovery('verify');
    } else {
      this.tracker.set('degraded', `motor command failed: ${error.message}`, nowUs);
    }
  }

  private noteCommandSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.initialized && this.tracker.get().state !== 'ok') this.tracker.set('ok', '', this.clock.nowUs());
  }

  /** One bus write, retried at once (at most twice) while the chip does not acknowledge. */
  private async write(link: RetryingI2cDevice, bytes: Uint8Array): Promise<void> {
    await link.write(bytes);
    this.count.writes++;
  }

  /** One register read, straight on the bus: not retried (see the class). */
  private async readRegister(link: RetryingI2cDevice, register: number): Promise<number> {
    const bytes = await link.bus.writeRead(this.address, pointerWrite(register), 1);
    const value = bytes[0];
    if (value === undefined)
      throw new TransportError('EIO', `read of register 0x${register.toString(16)} returned no data`);
    return value;
  }

  private async openLink(): Promise<RetryingI2cDevice> {
    if (this.closing) throw new TransportError('ECLOSED', `${this.id} is stopped`);
    return this.chip.open();
  }

  private dropBusIfBroken(error: TransportError): void {
    if (!isDeviceGone(error) || !this.chip.device) return;
    this.initialized = false;
    this.chip.close().catch((closeError: unknown) => log('%s: close: %o', this.id, closeError));
  }

  private wait(delayUs: number): Promise<void> {
    return new Promise((resolve) => this.clock.after(delayUs, resolve));
  }

  /** Schedules the next init (or check) on the clock, after a growing delay; one at a time. */
  private scheduleRecovery(kind: Task): void {
    if (this.closing || this.retryTimer) return;
    const delayMs = this.backoff.nextDelayMs();
    const what = kind === 'init' || !this.initialized || !this.chip.device ? 'init' : 'verify';
    log('%s: %s again in %d ms', this.id, what, Math.round(delayMs));
    this.retryTimer = this.clock.after(delayMs * US_PER_MS, () => {
      this.retryTimer = undefined;
      this.queue.task(what).catch(() => undefined);
    });
  }
}

function motorHatModel(
  compatible: string,
  description: string,
  pinMap: Tb6612PinMap,
): DeviceModel<MotorHatParams, MotorDriverDevice> {
  return {
    compatible,
    kind: 'motor-driver',
    description,
    busKind: 'i2c',
    address: 'required',
    pins: NO_PINS,
    paramsSchema: motorHatParamsSchema,
    create: (context) => new Pca9685MotorHat(context, compatible, pinMap),
  };
}

/** Adafruit DC & Stepper Motor HAT: PCA9685 + two TB6612, motors M1..M4, I2C address 0x60 by default. */
export const adafruitMotorHatModel = motorHatModel(
  'adafruit,dc-motor-hat',
  'Adafruit DC & Stepper Motor HAT (PCA9685 PWM + TB6612, 4 DC motors M1..M4, I2C, default address 0x60)',
  ADAFRUIT_DC_MOTOR_HAT_PINS,
);

/** Waveshare Motor Driver HAT: PCA9685 + one TB6612, motors MA and MB, I2C address 0x40 by default. */
export const waveshareMotorHatModel = motorHatModel(
  'waveshare,motor-driver-hat',
  'Waveshare Motor Driver HAT (PCA9685 PWM + TB6612, 2 DC motors MA, MB, I2C, default address 0x40)',
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
);
