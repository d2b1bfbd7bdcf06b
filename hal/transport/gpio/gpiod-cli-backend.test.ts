import { EventEmitter } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../transport-error.js';
import type { GpioLevel, GpioLineSpec } from './api.js';
import {
  GpiodCliBackend,
  gpiodErrorCode,
  parseGpiodetectOutput,
  parseGpiodToolsMajorVersion,
  parseGpiomonLine,
  type GpiodToolProcess,
} from './gpiod-cli-backend.js';

/**
 * Tool output as libgpiod 1.6 prints it (brgl/libgpiod, branch v1.6.x, tools/*.c):
 * - gpiodetect.c: `printf("%s [%s] (%u lines)\n", name, label, num_lines)`.
 * - gpiodetect --version (tools-common.c print_version): `gpiodetect (libgpiod) v1.6.3`.
 * - gpioget.c: the values separated by spaces, then `\n`.
 * - gpiomon.c with `--format`: `%o` offset, `%e` `1` rising / `0` falling, `%s` `%n` timestamp.
 * - errors (tools-common.c die_perror): `<tool>: <what>: <strerror(errno)>`.
 * The chip tables: a Raspberry Pi 5 on kernel 6.6.20 (four gpio-brcmstb chips, then pinctrl-rp1 as
 * gpiochip4, raspberrypi/linux#6037) and a Jetson Orin (tegra234-gpio, tegra234-gpio-aon).
 */
const PI5_GPIODETECT = [
  'gpiochip0 [gpio-brcmstb@107d508500] (32 lines)',
  'gpiochip1 [gpio-brcmstb@107d508520] (4 lines)',
  'gpiochip2 [gpio-brcmstb@107d517c00] (17 lines)',
  'gpiochip3 [gpio-brcmstb@107d517c20] (6 lines)',
  'gpiochip4 [pinctrl-rp1] (54 lines)',
  '',
].join('\n');
const JETSON_ORIN_GPIODETECT = 'gpiochip0 [tegra234-gpio] (164 lines)\ngpiochip1 [tegra234-gpio-aon] (32 lines)\n';
const V16_VERSION = [
  'gpiodetect (libgpiod) v1.6.3',
  'Copyright (C) 2017-2018 Bartosz Golaszewski',
  'License: LGPLv2.1',
  '',
].join('\n');
const EBUSY_SET = 'gpioset: error setting the GPIO line values: Device or resource busy\n';

/** A started fake tool; the fake chip decides what it prints and when it ends. */
class FakeProcess extends EventEmitter {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  signals: string[] = [];
  ended = false;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
  ) {
    super();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    this.end(null, signal);
    return true;
  }

  /** Prints, then ends with `code` on a later turn, as a real process would. */
  finish(code: number, stdout = '', stderr = ''): void {
    if (stdout) this.stdout.write(stdout);
    if (stderr) this.stderr.write(stderr);
    this.end(code, null);
  }

  end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

/**
 * The gpiod tools over one fake chip table: lines have physical levels, a line held by gpioset or
 * gpiomon is busy (gpioget and a second holder get EBUSY), and tests can move input levels.
 */
class FakeGpiodTools {
  version = V16_VERSION;
  gpiodetect = PI5_GPIODETECT;
  installed = true;
  readonly physical = new Map<number, GpioLevel>();
  readonly holders = new Map<number, FakeProcess>();
  readonly started: FakeProcess[] = [];
  /** Next gpioget answers with this error text instead of a level. */
  getError: string | undefined;

  readonly spawn = (command: string, args: readonly string[]): GpiodToolProcess => {
    const child = new FakeProcess(command, args);
    this.started.push(child);
    setImmediate(() => {
      if (!this.installed) {
        child.emit('error', Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' }));
        child.end(-2, null);
        return;
      }
      child.emit('spawn');
      this.behave(child);
    });
    return child;
  };

  runs(command: string): FakeProcess[] {
    return this.started.filter((p) => p.command === command);
  }

  /** Moves an input's physical level; a running gpiomon on it prints the edge (split in two chunks). */
  drive(line: number, level: GpioLevel): void {
    const before = this.physical.get(line) ?? 0;
    this.physical.set(line, level);
    const monitor = this.holders.get(line);
    if (!monitor || monitor.command !== 'gpiomon' || before === level) return;
    const activeLow = monitor.args.includes('--active-low');
    const logical = activeLow ? 1 - level : level;
    const text = `${line} ${logical} 1718000000 123456789\n`;
    monitor.stdout.write(text.slice(0, 5));
    monitor.stdout.write(text.slice(5));
  }

  private behave(child: FakeProcess): void {
    const positional = child.args.filter((a) => !a.startsWith('--'));
    switch (child.command) {
      case 'gpiodetect':
        child.finish(0, child.args.includes('--version') ? this.version : this.gpiodetect);
        return;
      case 'gpioget': {
        const line = Number(positional[1]);
        if (this.getError !== undefined) {
          const error = this.getError;
          this.getError = undefined;
          child.finish(1, '', error);
        } else if (this.holders.has(line)) {
          child.finish(1, '', 'gpioget: error reading GPIO values: Device or resource busy\n');
        } else {
          const level = this.physical.get(line) ?? 0;
          child.finish(0, `${child.args.includes('--active-low') ? 1 - level : level}\n`);
        }
        return;
      }
      case 'gpioset': {
        const [offset, value] = (positional[1] ?? '').split('=').map(Number);
        if (offset === undefined || value === undefined) throw new Error('bad gpioset args');
        if (this.holders.has(offset)) {
          child.finish(1, '', EBUSY_SET);
          return;
        }
        this.hold(offset, child);
        const physical = (child.args.includes('--active-low') ? 1 - value : value) as GpioLevel;
        this.physical.set(offset, physical);
        child.stdin.on('finish', () => child.end(0, null));
        return;
      }
      case 'gpiomon': {
        const line = Number(positional[1]);
        if (this.holders.has(line)) {
          child.finish(1, '', 'gpiomon: error waiting for events: Device or resource busy\n');
          return;
        }
        this.hold(line, child);
        return;
      }
      default:
        child.finish(127, '', `${child.command}: not a gpiod tool\n`);
    }
  }

  private hold(line: number, child: FakeProcess): void {
    this.holders.set(line, child);
    child.once('close', () => {
      if (this.holders.get(line) === child) this.holders.delete(line);
    });
  }
}

function setup(): { tools: FakeGpiodTools; clock: VirtualClock; backend: GpiodCliBackend } {
  const tools = new FakeGpiodTools();
  const clock = new VirtualClock();
  const backend = new GpiodCliBackend({ clock, spawn: tools.spawn, backoff: { random: () => 0.5 } });
  return { tools, clock, backend };
}

/** Lets the fake processes' queued events run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

const ENABLE: GpioLineSpec = { chipLabel: 'pinctrl-rp1', line: 22, direction: 'out' };
const ESTOP: GpioLineSpec = { chipLabel: 'pinctrl-rp1', line: 17, direction: 'in', edge: 'both', activeLow: true };
const BUMPER: GpioLineSpec = { chipLabel: 'pinctrl-rp1', line: 27, direction: 'in' };

describe('gpiod tool output parsers', () => {
  it('reads the chip table of a Pi 5 and a Jetson Orin from gpiodetect', () => {
    expect(parseGpiodetectOutput(PI5_GPIODETECT).at(-1)).toEqual({
      name: 'gpiochip4',
      label: 'pinctrl-rp1',
      lines: 54,
    });
    expect(parseGpiodetectOutput(PI5_GPIODETECT)).toHaveLength(5);
    expect(parseGpiodetectOutput(JETSON_ORIN_GPIODETECT)).toEqual([
      { name: 'gpiochip0', label: 'tegra234-gpio', lines: 164 },
      { name: 'gpiochip1', label: 'tegra234-gpio-aon', lines: 32 },
    ]);
    expect(parseGpiodetectOutput('gpiodetect: unable to access GPIO chips: Permission denied\n')).toEqual([]);
  });

  it('reads the major version, 1 for the 1.6 tools and 2 for the 2.x ones', () => {
    expect(parseGpiodToolsMajorVersion(V16_VERSION)).toBe(1);
    expect(parseGpiodToolsMajorVersion('gpiodetect (libgpiod) v2.1.3\n')).toBe(2);
    expect(parseGpiodToolsMajorVersion('nonsense')).toBeUndefined();
  });

  it('reads a gpiomon event line and refuses anything else', () => {
    expect(parseGpiomonLine('17 1 1718000000 123456789')).toEqual({
      offset: 17,
      level: 1,
      stampNs: 1_718_000_000_123_456_789n,
    });
    expect(parseGpiomonLine('17 0 5 0')?.level).toBe(0);
    expect(parseGpiomonLine('event:  RISING EDGE offset: 17 timestamp: [     5.000000000]')).toBeUndefined();
    expect(parseGpiomonLine('17 2 5 0')).toBeUndefined();
  });

  it("maps the tools' strerror texts to transport codes", () => {
    expect(gpiodErrorCode(EBUSY_SET)).toBe('EBUSY');
    expect(gpiodErrorCode('gpioget: error reading GPIO values: Permission denied')).toBe('EACCES');
    expect(gpiodErrorCode('gpioset: error setting the GPIO line values: No such device')).toBe('ENXIO');
    expect(gpiodErrorCode('something else')).toBe('EUNKNOWN');
  });
});

describe('GpiodCliBackend outputs', () => {
  it('holds an output at logical 0 with gpioset --mode=wait on the chip found by label', async () => {
    const { tools, backend } = setup();
    const line = await backend.open(ENABLE);
    const [set] = tools.runs('gpioset');
    expect(set?.args).toEqual(['--mode=wait', 'gpiochip4', '22=0']);
    expect(tools.holders.get(22)).toBe(set);
    expect(await line.read()).toBe(0);
    expect(tools.runs('gpiodetect').map((p) => p.args)).toEqual([['--version'], []]);
  });

  it('restarts gpioset on a change, and starts nothing when the level is already held', async () => {
    const { tools, backend } = setup();
    const line = await backend.open(ENABLE);
    await line.write(1);
    const [first, second] = tools.runs('gpioset');
    expect(first?.signals).toEqual(['SIGTERM']);
    expect(second?.args).toEqual(['--mode=wait', 'gpiochip4', '22=1']);
    expect(tools.physical.get(22)).toBe(1);
    await line.write(1);
    expect(tools.runs('gpioset')).toHaveLength(2);
    expect(await line.read()).toBe(1);
  });

  it('collapses writes queued during a restart into one restart to the last level', async () => {
    const { tools, backend } = setup();
    const line = await backend.open(ENABLE);
    await Promise.all([line.write(1), line.write(0), line.write(1)]);
    expect(tools.runs('gpioset').map((p) => p.args.at(-1))).toEqual(['22=0', '22=1']);
    expect(tools.physical.get(22)).toBe(1);
  });

  it('passes --active-low, so logical 0 drives the line high', async () => {
    const { tools, backend } = setup();
    await backend.open({ ...ENABLE, activeLow: true });
    expect(tools.runs('gpioset')[0]?.args).toEqual(['--mode=wait', '--active-low', 'gpiochip4', '22=0']);
    expect(tools.physical.get(22)).toBe(1);
  });

  it('reports a holder that ended on its own at the next write, then recovers with a new holder', async () => {
    const { tools, backend } = setup();
    const line = await backend.open(ENABLE);
    tools.runs('gpioset')[0]?.finish(1, '', 'gpioset: error setting the GPIO line values: No such device\n');
    await settle();
    const error = await rejection(line.write(1));
    expect(error.code).toBe('ENXIO');
    expect(error.message).toContain('pinctrl-rp1 line 22 (gpiochip4)');
    await line.write(1);
    expect(tools.holders.get(22)?.args.at(-1)).toBe('22=1');
  });

  it('rejects with EBUSY when a gpioset cannot start because the line is taken', async () => {
    const { tools, backend } = setup();
    const taken = await backend.open(ENABLE);
    const second = await backend.open(ENABLE);
    await settle();
    expect((await rejection(second.read())).code).toBe('EBUSY');
    expect(tools.holders.get(22)).toBe(tools.runs('gpioset')[0]);
    await taken.close();
  });

  it('releases the line on close and refuses use after close', async () => {
    const { tools, backend } = setup();
    const line = await backend.open(ENABLE);
    await line.close();
    await line.close();
    expect(tools.holders.has(22)).toBe(false);
    expect(tools.runs('gpioset')[0]?.stdin.writableEnded).toBe(true);
    expect((await rejection(line.write(1))).code).toBe('ECLOSED');
  });
});

describe('GpiodCliBackend inputs', () => {
  it('reads an input without edges with one gpioget per read', async () => {
    const { tools, backend } = setup();
    tools.physical.set(27, 1);
    const line = await backend.open(BUMPER);
    expect(await line.read()).toBe(1);
    tools.physical.set(27, 0);
    expect(await line.read()).toBe(0);
    expect(tools.runs('gpioget').map((p) => p.args)).toEqual([
      ['gpiochip4', '27'],
      ['gpiochip4', '27'],
      ['gpiochip4', '27'],
    ]);
    expect(tools.runs('gpiomon')).toHaveLength(0);
  });

  it('watches edges with a line-buffered gpiomon and reports logical levels, chunks split anywhere', async () => {
    const { tools, backend } = setup();
    tools.physical.set(17, 1);
    const estop = await backend.open(ESTOP);
    const seen: GpioLevel[] = [];
    estop.onEdge((level) => seen.push(level));
    const [monitor] = tools.runs('gpiomon');
    expect(monitor?.args).toEqual(['--line-buffered', '--format=%o %e %s %n', '--active-low', 'gpiochip4', '17']);
    expect(await estop.read()).toBe(0);
    tools.drive(17, 0);
    await settle();
    tools.drive(17, 1);
    await settle();
    expect(seen).toEqual([1, 0]);
    tools.drive(17, 0);
    await settle();
    expect(await estop.read()).toBe(1);
    expect(tools.runs('gpioget')).toHaveLength(1);
  });

  it('reports only the edges asked for, but keeps the level of every edge', async () => {
    const { tools, backend } = setup();
    const line = await backend.open({ ...BUMPER, edge: 'rising' });
    const seen: GpioLevel[] = [];
    line.onEdge((level) => seen.push(level));
    tools.drive(27, 1);
    await settle();
    tools.drive(27, 0);
    await settle();
    expect(seen).toEqual([1]);
    expect(await line.read()).toBe(0);
  });

  it('drops gpiomon lines it cannot parse without losing the next edge', async () => {
    const { tools, backend } = setup();
    const line = await backend.open({ ...BUMPER, edge: 'both' });
    const seen: GpioLevel[] = [];
    line.onEdge((level) => seen.push(level));
    tools.holders.get(27)?.stdout.write('garbage line\n4 1 0 0\n');
    tools.drive(27, 1);
    await settle();
    expect(seen).toEqual([1]);
  });

  it('restarts a gpiomon that ended on its own after backoff, reporting an edge missed in the gap', async () => {
    const { tools, clock, backend } = setup();
    tools.physical.set(17, 1);
    const estop = await backend.open(ESTOP);
    const seen: GpioLevel[] = [];
    estop.onEdge((level) => seen.push(level));
    tools.runs('gpiomon')[0]?.finish(1, '', 'gpiomon: error waiting for events: Input/output error\n');
    await settle();
    tools.physical.set(17, 0);
    clock.advanceBy(400_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(1);
    clock.advanceBy(100_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(2);
    expect(seen).toEqual([1]);
    tools.drive(17, 1);
    await settle();
    expect(seen).toEqual([1, 0]);
  });

  it('keeps retrying with growing delays while the line cannot be read', async () => {
    const { tools, clock, backend } = setup();
    await backend.open(ESTOP);
    tools.runs('gpiomon')[0]?.finish(1, '', 'gpiomon: error waiting for events: No such device\n');
    await settle();
    tools.getError = 'gpioget: error reading GPIO values: No such device\n';
    clock.advanceBy(500_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(1);
    clock.advanceBy(799_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(1);
    clock.advanceBy(1_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(2);
  });

  it('stops gpiomon and any pending restart on close', async () => {
    const { tools, clock, backend } = setup();
    const estop = await backend.open(ESTOP);
    await estop.close();
    expect(tools.runs('gpiomon')[0]?.signals).toEqual(['SIGTERM']);
    expect(tools.holders.size).toBe(0);
    clock.advanceBy(10_000_000);
    await settle();
    expect(tools.runs('gpiomon')).toHaveLength(1);
    expect((await rejection(estop.read())).code).toBe('ECLOSED');
  });

  it('refuses to write an input and to ask edges of an output', async () => {
    const { backend } = setup();
    const bumper = await backend.open(BUMPER);
    expect((await rejection(bumper.write(1))).code).toBe('EINVAL');
    expect((await rejection(backend.open({ ...ENABLE, edge: 'rising' }))).code).toBe('EINVAL');
  });

  it('keeps the errno of a line that cannot be requested', async () => {
    const { tools, backend } = setup();
    tools.getError = 'gpioget: error reading GPIO values: Permission denied\n';
    const error = await rejection(backend.open(BUMPER));
    expect(error.code).toBe('EACCES');
    expect(error.message).toContain('read pinctrl-rp1 line 27 (gpiochip4)');
  });
});

describe('GpiodCliBackend chips and tools', () => {
  it('names the chips it found when the label is not on this board', async () => {
    const { backend } = setup();
    const error = await rejection(backend.open({ ...ENABLE, chipLabel: 'pinctrl-bcm2711' }));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('pinctrl-rp1 (gpiochip4)');
  });

  it('rejects a line beyond the end of the chip', async () => {
    const { backend } = setup();
    const error = await rejection(backend.open({ ...ENABLE, line: 54 }));
    expect(error.code).toBe('EINVAL');
    expect(error.message).toContain('0..53');
  });

  it('asks gpiodetect once for any number of lines', async () => {
    const { tools, backend } = setup();
    await backend.open(ENABLE);
    await backend.open(BUMPER);
    expect(tools.runs('gpiodetect')).toHaveLength(2);
  });

  it('says how to install the tools when they are missing, and tries again next time', async () => {
    const { tools, backend } = setup();
    tools.installed = false;
    const error = await rejection(backend.open(ENABLE));
    expect(error.code).toBe('EUNKNOWN');
    expect(error.message).toContain('sudo apt install gpiod');
    tools.installed = true;
    await backend.open(ENABLE);
    expect(tools.holders.has(22)).toBe(true);
  });

  it('refuses the 2.x tools, whose options differ', async () => {
    const { tools, backend } = setup();
    tools.version = 'gpiodetect (libgpiod) v2.1.3\nCopyright (C) 2017-2023 Bartosz Golaszewski\n';
    const error = await rejection(backend.open(ENABLE));
    expect(error.code).toBe('EUNKNOWN');
    expect(error.message).toContain('version 2.x');
    expect(tools.runs('gpioset')).toHaveLength(0);
  });

  it('kills a one-shot tool that hangs and says it timed out', async () => {
    const tools = new FakeGpiodTools();
    const clock = new VirtualClock();
    const hanging = (command: string, args: readonly string[]): GpiodToolProcess => {
      const child = new FakeProcess(command, args);
      tools.started.push(child);
      setImmediate(() => child.emit('spawn'));
      return child;
    };
    const backend = new GpiodCliBackend({ clock, spawn: hanging, toolTimeoutMs: 2_000 });
    const opening = rejection(backend.open(ENABLE));
    await settle();
    clock.advanceBy(2_000_000);
    const error = await opening;
    expect(error.code).toBe('ETIMEDOUT');
    expect(tools.started[0]?.signals).toEqual(['SIGKILL']);
  });
});

/**
 * The same backend with its default spawner, over shell scripts that stand in for the tools on PATH:
 * real child processes, pipes and signals. The scripts print what libgpiod 1.6 prints; `gpioset`
 * holds until its standard input ends, as `--mode=wait` does.
 */
describe.skipIf(process.platform !== 'linux')('GpiodCliBackend with real processes', () => {
  const SCRIPTS: Record<string, string> = {
    gpiodetect: [
      'if [ "$1" = --version ]; then echo "gpiodetect (libgpiod) v1.6.3"; exit 0; fi',
      'echo "gpiochip0 [pinctrl-bcm2711] (58 lines)"',
      'echo "gpiochip1 [raspberrypi-exp-gpio] (8 lines)"',
    ].join('\n'),
    gpioset: [
      'trap \'echo "released $*" >> "$GPIOD_FAKE_LOG"; exit 0\' TERM',
      'echo "$*" >> "$GPIOD_FAKE_LOG"',
      'read _ || true',
      'echo "released $*" >> "$GPIOD_FAKE_LOG"',
    ].join('\n'),
    gpioget: 'echo 1',
    gpiomon: 'printf "17 0 10 5"\nsleep 0.05\nprintf "00\\n17 1 11 0\\n"\nexec sleep 30',
  };

  it('holds, restarts and releases outputs and reads edges through real pipes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spinal-gpiod-tools-'));
    const log = join(dir, 'calls.log');
    for (const [name, body] of Object.entries(SCRIPTS)) {
      await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
      await chmod(join(dir, name), 0o755);
    }
    const saved = { path: process.env.PATH, log: process.env.GPIOD_FAKE_LOG };
    process.env.PATH = `${dir}${delimiter}${saved.path ?? ''}`;
    process.env.GPIOD_FAKE_LOG = log;
    try {
      /** Waits (real time, up to 2 s) until the scripts have logged `count` lines: they start after 'spawn'. */
      const logged = async (count: number): Promise<string[]> => {
        for (let i = 0; i < 200; i += 1) {
          const lines = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
          if (lines.length >= count) return lines;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error(`the tool scripts logged fewer than ${count} lines`);
      };
      const backend = new GpiodCliBackend({ clock: new VirtualClock() });
      const enable = await backend.open({ chipLabel: 'pinctrl-bcm2711', line: 22, direction: 'out' });
      await logged(1);
      await enable.write(1);
      await logged(3);
      await enable.close();
      expect(await logged(4)).toEqual([
        '--mode=wait gpiochip0 22=0',
        'released --mode=wait gpiochip0 22=0',
        '--mode=wait gpiochip0 22=1',
        'released --mode=wait gpiochip0 22=1',
      ]);
      const estop = await backend.open({ chipLabel: 'pinctrl-bcm2711', line: 17, direction: 'in', edge: 'both' });
      expect(await estop.read()).toBe(1);
      const seen: GpioLevel[] = [];
      await new Promise<void>((resolve) => {
        estop.onEdge((level) => {
          seen.push(level);
          if (seen.length === 2) resolve();
        });
      });
      await estop.close();
      expect(seen).toEqual([0, 1]);
    } finally {
      process.env.PATH = saved.path;
      if (saved.log === undefined) delete process.env.GPIOD_FAKE_LOG;
      else process.env.GPIOD_FAKE_LOG = saved.log;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
