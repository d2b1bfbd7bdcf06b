import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import type { Clock } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { MonotonicClock } from '../../../time/monotonic-clock.js';
import { TransportError } from '../transport-error.js';
import type { PwmBackend, PwmChannel, PwmChannelSpec } from './api.js';

const log = createDebug('spinal:hal:sysfs-pwm');

/** Where sysfs is mounted on a real board. */
export const DEFAULT_SYSFS_ROOT = '/sys';

/**
 * How the backend touches sysfs attribute files. The default reads and writes the files; tests put a
 * fake kernel behind it.
 */
export interface SysfsAttributes {
  read(path: string): Promise<string>;
  write(path: string, value: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
}

/** Plain file access: what the kernel's sysfs expects (one value per write, read back with a newline). */
export const fileSysfsAttributes: SysfsAttributes = {
  read: (path) => readFile(path, 'utf8'),
  write: (path, value) => writeFile(path, value),
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
  list: (dir) => readdir(dir),
};

export interface SysfsPwmBackendOptions {
  /** Where sysfs is mounted. Default `/sys`. */
  sysfsRoot?: string;
  /** Times the waits after an export. Default a {@link MonotonicClock}. */
  clock?: Clock;
  /**
   * How long to wait after exporting a channel for `pwmN/` to appear and become writable (udev sets
   * the group and mode a moment after the kernel creates it), milliseconds. Default 1000.
   */
  exportTimeoutMs?: number;
  /** Pause between tries while waiting for an export, milliseconds. Default 10. */
  exportPollMs?: number;
  /** sysfs access. Default {@link fileSysfsAttributes}. */
  attributes?: SysfsAttributes;
}

/** Errors worth another try while a fresh export settles: the directory or its mode is not there yet. */
const EXPORT_SETTLING: ReadonlySet<string> = new Set(['ENOENT', 'EACCES']);

/**
 * Hardware PWM through the kernel's sysfs interface (`/sys/class/pwm/pwmchipN`, kernel
 * Documentation/ABI/testing/sysfs-class-pwm and Documentation/driver-api/pwm.rst):
 * `spec.chip` is the chip (`pwmchip0`, or just `0`), `spec.channel` the channel on it.
 *
 * `open()` exports the channel if it is not exported yet (writes its number to `export`) and waits
 * for `pwmN/` to appear and be writable; then it puts the channel in a known, safe state in an
 * order the kernel accepts: `enable` 0, `duty_cycle` 0 (a duty above the period is refused with
 * EINVAL, and 0 is within any period), `period`, then `polarity` normal (changed only while
 * disabled). The channel is left disabled at duty 0: call `enable(true)`.
 * `setDuty(d)` writes `duty_cycle` = round(d × period) ns; `close()` sets duty 0, disables and
 * unexports. Every failure is a TransportError with the errno of the write (EACCES: permissions,
 * ENOENT: no such chip, EINVAL: refused value, EBUSY: channel taken by a kernel driver).
 */
export class SysfsPwmBackend implements PwmBackend {
  readonly kind = 'sysfs';
  private readonly classDir: string;
  private readonly clock: Clock;
  private readonly exportTimeoutMs: number;
  private readonly exportPollMs: number;
  private readonly files: SysfsAttributes;

  constructor(options: SysfsPwmBackendOptions = {}) {
    this.classDir = join(options.sysfsRoot ?? DEFAULT_SYSFS_ROOT, 'class', 'pwm');
    this.clock = options.clock ?? new MonotonicClock();
    this.exportTimeoutMs = options.exportTimeoutMs ?? 1_000;
    this.exportPollMs = options.exportPollMs ?? 10;
    this.files = options.attributes ?? fileSysfsAttributes;
  }

  async open(spec: PwmChannelSpec): Promise<PwmChannel> {
    const chip = chipName(spec.chip);
    const { channel } = spec;
    const periodNs = Math.round(spec.periodNs);
    if (!Number.isInteger(channel) || channel < 0) {
      throw new TransportError('EINVAL', `PWM channel must be a whole number >= 0, got ${channel}`);
    }
    if (!(periodNs > 0)) throw new TransportError('EINVAL', `PWM period must be > 0 ns, got ${spec.periodNs}`);

    const chipDir = join(this.classDir, chip);
    if (!(await this.files.exists(chipDir))) throw await this.noSuchChip(chip);
    const count = Number((await this.attempt(this.files.read(join(chipDir, 'npwm')), `read ${chip}/npwm`)).trim());
    if (Number.isInteger(count) && channel >= count) {
      throw new TransportError('EINVAL', `${chip} has channels 0..${count - 1}, not ${channel}`);
    }

    const name = `${chip}/pwm${channel}`;
    const channelDir = join(chipDir, `pwm${channel}`);
    const exported = !(await this.files.exists(channelDir));
    if (exported) await this.exportChannel(chipDir, chip, channel);
    const setUp = (): Promise<void> => this.setUp(channelDir, name, periodNs);
    try {
      if (exported) await this.whileSettling(setUp, name);
      else await setUp();
    } catch (cause) {
      throw withHint(TransportError.from(cause, name));
    }
    log('opened %s, period %d ns%s', name, periodNs, exported ? ' (exported)' : '');
    return new SysfsPwmChannel({ ...spec, periodNs }, chipDir, channelDir, name, this.files);
  }

  private async exportChannel(chipDir: string, chip: string, channel: number): Promise<void> {
    try {
      await this.files.write(join(chipDir, 'export'), String(channel));
    } catch (cause) {
      const error = TransportError.from(cause, `export ${chip} channel ${channel}`);
      // EBUSY: exported meanwhile (by another process, or udev), which is what we wanted.
      if (error.code !== 'EBUSY') throw withHint(error);
    }
  }

  /** Disabled, duty 0, then the period, then normal polarity: an order every PWM driver accepts. */
  private async setUp(channelDir: string, name: string, periodNs: number): Promise<void> {
    const write = (attribute: string, value: string): Promise<void> =>
      this.attempt(this.files.write(join(channelDir, attribute), value), `${name}: write ${attribute} ${value}`);
    await write('enable', '0');
    await write('duty_cycle', '0');
    await write('period', String(periodNs));
    const polarityFile = join(channelDir, 'polarity');
    if (await this.files.exists(polarityFile)) {
      const polarity = (await this.attempt(this.files.read(polarityFile), `${name}: read polarity`)).trim();
      if (polarity !== 'normal') await write('polarity', 'normal');
    }
  }

  /** Retries `step` while a fresh export settles (ENOENT, EACCES), for at most `exportTimeoutMs`. */
  private async whileSettling(step: () => Promise<void>, name: string): Promise<void> {
    const deadlineUs = this.clock.nowUs() + this.exportTimeoutMs * US_PER_MS;
    for (let tries = 1; ; tries++) {
      try {
        await step();
        if (tries > 1) log('%s ready after %d tries', name, tries);
        return;
      } catch (cause) {
        const error = TransportError.from(cause, name);
        if (!EXPORT_SETTLING.has(error.code)) throw error;
        if (this.clock.nowUs() >= deadlineUs) {
          throw restate(error, `${detail(error)} (still failing ${this.exportTimeoutMs} ms after export)`);
        }
        await new Promise<void>((resolve) => this.clock.after(this.exportPollMs * US_PER_MS, resolve));
      }
    }
  }

  private async noSuchChip(chip: string): Promise<TransportError> {
    const found = (await this.files.list(this.classDir).catch(() => [] as string[]))
      .filter((entry) => /^pwmchip\d+$/.test(entry))
      .sort();
    return new TransportError(
      'ENOENT',
      `no PWM chip ${chip} in ${this.classDir} (found: ${found.join(', ') || 'none'}); ` +
        'on a Raspberry Pi, enable hardware PWM with "dtoverlay=pwm-2chan" in config.txt and reboot',
    );
  }

  private async attempt<T>(operation: Promise<T>, context: string): Promise<T> {
    try {
      return await operation;
    } catch (cause) {
      throw TransportError.from(cause, context);
    }
  }
}

/** `pwmchip0` or `0` to `pwmchip0`. */
function chipName(chip: string): string {
  if (/^pwmchip\d+$/.test(chip)) return chip;
  if (/^\d+$/.test(chip)) return `pwmchip${chip}`;
  throw new TransportError('EINVAL', `PWM chip must look like "pwmchip0", got "${chip}"`);
}

/** The message of a TransportError without its `CODE: ` prefix. */
function detail(error: TransportError): string {
  return error.message.startsWith(`${error.code}: `) ? error.message.slice(error.code.length + 2) : error.message;
}

function restate(error: TransportError, message: string): TransportError {
  return new TransportError(error.code, message);
}

/** Adds what to do about a permission error. */
function withHint(error: TransportError): TransportError {
  if (error.code !== 'EACCES' || error.message.includes('write access')) return error;
  return restate(
    error,
    `${detail(error)}; the user needs write access to /sys/class/pwm ` +
      '(on Raspberry Pi OS: be in the gpio group, whose udev rule covers pwmchip*)',
  );
}

class SysfsPwmChannel implements PwmChannel {
  private closed = false;

  constructor(
    readonly spec: PwmChannelSpec,
    private readonly chipDir: string,
    private readonly channelDir: string,
    private readonly name: string,
    private readonly files: SysfsAttributes,
  ) {}

  async setDuty(duty: number): Promise<void> {
    this.checkOpen();
    if (!(duty >= 0 && duty <= 1)) throw new RangeError(`PWM duty must be in 0..1, got ${duty}`);
    await this.write('duty_cycle', String(Math.round(duty * this.spec.periodNs)));
  }

  async enable(on: boolean): Promise<void> {
    this.checkOpen();
    await this.write('enable', on ? '1' : '0');
  }

  /** Duty 0, disabled, unexported; the first failure is thrown after trying every step. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let first: TransportError | undefined;
    const step = async (operation: () => Promise<void>): Promise<void> => {
      try {
        await operation();
      } catch (cause) {
        first ??= TransportError.from(cause, this.name);
      }
    };
    await step(() => this.write('duty_cycle', '0'));
    await step(() => this.write('enable', '0'));
    await step(() => this.writeFile(join(this.chipDir, 'unexport'), String(this.spec.channel), 'unexport'));
    if (first) throw first;
  }

  private write(attribute: string, value: string): Promise<void> {
    return this.writeFile(join(this.channelDir, attribute), value, `write ${attribute} ${value}`);
  }

  private async writeFile(path: string, value: string, what: string): Promise<void> {
    try {
      await this.files.write(path, value);
    } catch (cause) {
      throw withHint(TransportError.from(cause, `${this.name}: ${what}`));
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new TransportError('ECLOSED', `${this.name} is closed`);
  }
}
