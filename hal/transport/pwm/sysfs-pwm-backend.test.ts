import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../transport-error.js';
import type { PwmChannelSpec } from './api.js';
import { SysfsPwmBackend, fileSysfsAttributes } from './sysfs-pwm-backend.js';
import type { SysfsAttributes } from './sysfs-pwm-backend.js';

const roots: string[] = [];

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

function errno(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * A `/sys/class/pwm` tree in a temp directory with the kernel's rules in front of it (drivers/pwm/
 * sysfs.c and pwm_apply_state): writing a channel number to `export` creates `pwmN/` (period 0,
 * duty_cycle 0, enable 0, polarity normal), `exportDelayUs` after the write, like a slow udev; a
 * second export of the same channel is EBUSY; `unexport` removes it; `duty_cycle` above `period`
 * (or `period` below `duty_cycle`) is EINVAL; `enable` 1 with period 0 is EINVAL; `polarity` while
 * enabled is EBUSY. The first `accessDeniedWrites` writes into a fresh `pwmN/` are EACCES (udev has
 * not yet given the files to the gpio group). Every accepted write is recorded. Export, unexport and
 * the appearance of `pwmN/` are atomic, as under the kernel's lock: two exports racing each other see
 * either the pending export or the directory, never neither.
 */
class FakePwmKernel implements SysfsAttributes {
  readonly writes: string[] = [];
  exportDelayUs = 0;
  accessDeniedWrites = 0;
  /** Attribute name → errno its next writes fail with. */
  readonly failing = new Map<string, string>();
  private pendingExports: Array<{ dir: string; atUs: number }> = [];

  private constructor(
    readonly root: string,
    private readonly clock: VirtualClock,
  ) {}

  /** A tree with the given chips (name → npwm). */
  static async create(clock: VirtualClock, chips: Record<string, number>): Promise<FakePwmKernel> {
    const root = await mkdtemp(join(tmpdir(), 'spinal-pwm-'));
    roots.push(root);
    await mkdir(join(root, 'class', 'pwm'), { recursive: true });
    for (const [chip, npwm] of Object.entries(chips)) {
      const chipDir = join(root, 'class', 'pwm', chip);
      await mkdir(chipDir);
      await writeFile(join(chipDir, 'npwm'), `${npwm}\n`);
      await writeFile(join(chipDir, 'export'), '');
      await writeFile(join(chipDir, 'unexport'), '');
    }
    return new FakePwmKernel(root, clock);
  }

  /** A channel some earlier run exported and left as given. */
  async exported(chip: string, channel: number, state: Record<string, string>): Promise<void> {
    const dir = join(this.root, 'class', 'pwm', chip, `pwm${channel}`);
    await mkdir(dir);
    const initial = { period: '0', duty_cycle: '0', enable: '0', polarity: 'normal', ...state };
    for (const [attribute, value] of Object.entries(initial)) await writeFile(join(dir, attribute), `${value}\n`);
  }

  async attribute(chip: string, channel: number, name: string): Promise<string> {
    return (await readFile(join(this.root, 'class', 'pwm', chip, `pwm${channel}`, name), 'utf8')).trim();
  }

  async read(path: string): Promise<string> {
    this.materialize();
    return readFile(path, 'utf8');
  }

  async exists(path: string): Promise<boolean> {
    this.materialize();
    return fileSysfsAttributes.exists(path);
  }

  async list(dir: string): Promise<string[]> {
    return readdir(dir);
  }

  async write(path: string, value: string): Promise<void> {
    this.materialize();
    const name = basename(path);
    const dir = dirname(path);
    const where = relative(join(this.root, 'class', 'pwm'), path);
    const failure = this.failing.get(name);
    if (failure) throw errno(failure, `write ${where}`);
    if (name === 'export' || name === 'unexport') {
      this.materialize();
      const channelDir = join(dir, `pwm${value}`);
      const present = existsSync(channelDir);
      if (name === 'export') {
        if (present || this.pendingExports.some((p) => p.dir === channelDir)) throw errno('EBUSY', 'already exported');
        this.pendingExports.push({ dir: channelDir, atUs: this.clock.nowUs() + this.exportDelayUs });
        this.materialize();
      } else {
        if (!present) throw errno('EINVAL', 'not exported');
        rmSync(channelDir, { recursive: true });
      }
      this.writes.push(`${where} ${value}`);
      return;
    }
    if (!(await fileSysfsAttributes.exists(path))) throw errno('ENOENT', `no such file ${where}`);
    if (this.accessDeniedWrites > 0) {
      this.accessDeniedWrites--;
      throw errno('EACCES', `permission denied ${where}`);
    }
    const current = async (attribute: string): Promise<string> => (await readFile(join(dir, attribute), 'utf8')).trim();
    const number = Number(value);
    if (name === 'period' || name === 'duty_cycle') {
      if (!/^\d+$/.test(value)) throw errno('EINVAL', `${where}: not a number`);
      const period = name === 'period' ? number : Number(await current('period'));
      const duty = name === 'duty_cycle' ? number : Number(await current('duty_cycle'));
      if (duty > period) throw errno('EINVAL', `${where}: duty_cycle ${duty} > period ${period}`);
    } else if (name === 'enable') {
      if (value !== '0' && value !== '1') throw errno('EINVAL', `${where}: ${value}`);
      if (value === '1' && Number(await current('period')) === 0) throw errno('EINVAL', `${where}: period is 0`);
    } else if (name === 'polarity') {
      if (value !== 'normal' && value !== 'inversed') throw errno('EINVAL', `${where}: ${value}`);
      if ((await current('enable')) === '1') throw errno('EBUSY', `${where}: enabled`);
    }
    await writeFile(path, `${value}\n`);
    this.writes.push(`${where} ${value}`);
  }

  /** Creates the channel directories whose export is due. */
  private materialize(): void {
    const now = this.clock.nowUs();
    const due = this.pendingExports.filter((p) => p.atUs <= now);
    this.pendingExports = this.pendingExports.filter((p) => p.atUs > now);
    for (const { dir } of due) {
      mkdirSync(dir);
      for (const [attribute, value] of Object.entries({
        period: '0',
        duty_cycle: '0',
        enable: '0',
        polarity: 'normal',
      })) {
        writeFileSync(join(dir, attribute), `${value}\n`);
      }
    }
  }
}

const PWM0: PwmChannelSpec = { chip: 'pwmchip0', channel: 0, periodNs: 50_000 };

/** Lets file I/O run and moves the clock on by `stepUs` until `promise` settles. */
async function settled<T>(clock: VirtualClock, promise: Promise<T>, stepUs = 10_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => (done = true));
  tracked.catch(() => undefined);
  for (let i = 0; i < 1_000 && !done; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (!done) clock.advanceBy(stepUs);
  }
  return tracked;
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

async function setUp(chips: Record<string, number> = { pwmchip0: 2 }) {
  const clock = new VirtualClock();
  const kernel = await FakePwmKernel.create(clock, chips);
  const backend = new SysfsPwmBackend({ sysfsRoot: kernel.root, clock, attributes: kernel });
  return { clock, kernel, backend };
}

describe('SysfsPwmBackend: open', () => {
  it('exports the channel, waits for pwm0/ to appear, then disables, zeroes the duty and sets the period', async () => {
    const { clock, kernel, backend } = await setUp();
    kernel.exportDelayUs = 30_000;
    const channel = await settled(clock, backend.open(PWM0));
    expect(kernel.writes).toEqual([
      'pwmchip0/export 0',
      'pwmchip0/pwm0/enable 0',
      'pwmchip0/pwm0/duty_cycle 0',
      'pwmchip0/pwm0/period 50000',
    ]);
    expect(clock.nowUs()).toBeGreaterThanOrEqual(30_000);
    expect(await kernel.attribute('pwmchip0', 0, 'period')).toBe('50000');
    expect(await kernel.attribute('pwmchip0', 0, 'enable')).toBe('0');
    expect(channel.spec).toEqual(PWM0);
  });

  it('retries while udev has not yet opened the fresh files to the group (EACCES)', async () => {
    const { clock, kernel, backend } = await setUp();
    kernel.accessDeniedWrites = 3;
    await settled(clock, backend.open({ ...PWM0, channel: 1 }));
    expect(kernel.writes.at(-1)).toBe('pwmchip0/pwm1/period 50000');
    expect(clock.nowUs()).toBeGreaterThanOrEqual(30_000); // three 10 ms pauses
  });

  it('gives up after exportTimeoutMs with the EACCES and what to do about it', async () => {
    const { clock, kernel, backend } = await setUp();
    kernel.accessDeniedWrites = 1_000;
    const error = await rejection(settled(clock, backend.open(PWM0), 50_000));
    expect(error.code).toBe('EACCES');
    expect(error.message).toMatch(/^EACCES: pwmchip0\/pwm0: write enable 0: EACCES: permission denied/);
    expect(error.message).toContain('still failing 1000 ms after export');
    expect(error.message).toContain('gpio group');
  });

  it('takes over a channel left running: disables it before the duty, the period, and normal polarity', async () => {
    const { kernel, backend } = await setUp();
    // Left at 20 kHz, 80 % duty, inverted and enabled: a shorter period first would be EINVAL,
    // polarity while enabled EBUSY.
    await kernel.exported('pwmchip0', 1, { period: '50000', duty_cycle: '40000', enable: '1', polarity: 'inversed' });
    await backend.open({ chip: 'pwmchip0', channel: 1, periodNs: 25_000 });
    expect(kernel.writes).toEqual([
      'pwmchip0/pwm1/enable 0',
      'pwmchip0/pwm1/duty_cycle 0',
      'pwmchip0/pwm1/period 25000',
      'pwmchip0/pwm1/polarity normal',
    ]);
  });

  it('goes on when the export is EBUSY because the channel got exported meanwhile', async () => {
    const { clock, kernel, backend } = await setUp();
    kernel.exportDelayUs = 5_000;
    const first = settled(clock, backend.open(PWM0));
    const second = settled(
      clock,
      new SysfsPwmBackend({ sysfsRoot: kernel.root, clock, attributes: kernel }).open(PWM0),
    );
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect(kernel.writes.filter((w) => w.endsWith('export 0'))).toEqual(['pwmchip0/export 0']);
  });

  it('accepts "0" for pwmchip0 and refuses other chip names', async () => {
    const { kernel, backend } = await setUp();
    await kernel.exported('pwmchip0', 0, {});
    await expect(backend.open({ ...PWM0, chip: '0' })).resolves.toBeDefined();
    expect((await rejection(backend.open({ ...PWM0, chip: 'pwm0' }))).code).toBe('EINVAL');
  });

  it('names the chips it found, and the overlay to enable, when the chip is not there', async () => {
    const { backend } = await setUp({ pwmchip0: 2, pwmchip2: 4 });
    const error = await rejection(backend.open({ ...PWM0, chip: 'pwmchip1' }));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('found: pwmchip0, pwmchip2');
    expect(error.message).toContain('dtoverlay=pwm-2chan');
  });

  it('refuses a channel beyond npwm, a bad channel and a bad period before touching the chip', async () => {
    const { kernel, backend } = await setUp();
    const error = await rejection(backend.open({ ...PWM0, channel: 2 }));
    expect(error.code).toBe('EINVAL');
    expect(error.message).toContain('pwmchip0 has channels 0..1');
    expect((await rejection(backend.open({ ...PWM0, channel: -1 }))).code).toBe('EINVAL');
    expect((await rejection(backend.open({ ...PWM0, periodNs: 0 }))).code).toBe('EINVAL');
    expect(kernel.writes).toEqual([]);
  });

  it('passes other errors through at once, with their errno', async () => {
    const { kernel, backend } = await setUp();
    await kernel.exported('pwmchip0', 0, {});
    kernel.failing.set('period', 'EIO');
    const error = await rejection(backend.open(PWM0));
    expect(error.code).toBe('EIO');
    expect(error.message).toContain('pwmchip0/pwm0: write period 50000');
  });
});

describe('SysfsPwmBackend: a channel', () => {
  it('writes duty_cycle in nanoseconds of the period and enable as 1 / 0', async () => {
    const { kernel, backend } = await setUp();
    await kernel.exported('pwmchip0', 0, {});
    const channel = await backend.open(PWM0);
    kernel.writes.length = 0;
    await channel.setDuty(0.3);
    await channel.enable(true);
    await channel.setDuty(1);
    await channel.setDuty(1 / 3);
    await channel.enable(false);
    expect(kernel.writes).toEqual([
      'pwmchip0/pwm0/duty_cycle 15000',
      'pwmchip0/pwm0/enable 1',
      'pwmchip0/pwm0/duty_cycle 50000',
      'pwmchip0/pwm0/duty_cycle 16667',
      'pwmchip0/pwm0/enable 0',
    ]);
    await expect(channel.setDuty(1.01)).rejects.toBeInstanceOf(RangeError);
    await expect(channel.setDuty(Number.NaN)).rejects.toBeInstanceOf(RangeError);
  });

  it('turns a failed write into a TransportError with its errno', async () => {
    const { kernel, backend } = await setUp();
    await kernel.exported('pwmchip0', 0, {});
    const channel = await backend.open(PWM0);
    kernel.failing.set('duty_cycle', 'EIO');
    const error = await rejection(channel.setDuty(0.5));
    expect(error.code).toBe('EIO');
    expect(error.message).toContain('pwmchip0/pwm0: write duty_cycle 25000');
  });

  it('close zeroes the duty, disables and unexports; then refuses use', async () => {
    const { clock, kernel, backend } = await setUp();
    const channel = await settled(clock, backend.open(PWM0));
    await channel.setDuty(0.5);
    await channel.enable(true);
    kernel.writes.length = 0;
    await channel.close();
    await channel.close();
    expect(kernel.writes).toEqual(['pwmchip0/pwm0/duty_cycle 0', 'pwmchip0/pwm0/enable 0', 'pwmchip0/unexport 0']);
    expect(await fileSysfsAttributes.exists(join(kernel.root, 'class', 'pwm', 'pwmchip0', 'pwm0'))).toBe(false);
    expect((await rejection(channel.enable(true))).code).toBe('ECLOSED');
  });

  it('close tries every step and reports the first failure', async () => {
    const { kernel, backend } = await setUp();
    await kernel.exported('pwmchip0', 0, {});
    const channel = await backend.open(PWM0);
    kernel.writes.length = 0;
    kernel.failing.set('duty_cycle', 'EIO');
    const error = await rejection(channel.close());
    expect(error.code).toBe('EIO');
    expect(kernel.writes).toEqual(['pwmchip0/pwm0/enable 0', 'pwmchip0/unexport 0']);
  });
});

describe('SysfsPwmBackend on plain files', () => {
  it('reads and writes the attribute files by default', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spinal-pwm-files-'));
    roots.push(root);
    const channelDir = join(root, 'class', 'pwm', 'pwmchip2', 'pwm3');
    await mkdir(channelDir, { recursive: true });
    await writeFile(join(root, 'class', 'pwm', 'pwmchip2', 'npwm'), '4\n');
    for (const attribute of ['period', 'duty_cycle', 'enable']) await writeFile(join(channelDir, attribute), '0\n');
    await writeFile(join(channelDir, 'polarity'), 'normal\n');
    const channel = await new SysfsPwmBackend({ sysfsRoot: root }).open({
      chip: 'pwmchip2',
      channel: 3,
      periodNs: 1e6,
    });
    await channel.setDuty(0.25);
    await channel.enable(true);
    const read = (attribute: string): Promise<string> => readFile(join(channelDir, attribute), 'utf8');
    expect(await read('period')).toBe('1000000');
    expect(await read('duty_cycle')).toBe('250000');
    expect(await read('enable')).toBe('1');
    await expect(access(join(root, 'class', 'pwm', 'pwmchip2', 'export'))).rejects.toThrow();
  });
});
