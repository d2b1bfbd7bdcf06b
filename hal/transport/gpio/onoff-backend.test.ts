import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../transport-error.js';
import type { GpioEdge, GpioLevel, GpioLineSpec } from './api.js';
import { OnoffGpioBackend, type OnoffDirection, type OnoffGpio, type OnoffModule } from './onoff-backend.js';

/** Stands in for an exported sysfs line: records what onoff was asked to do. */
class FakeGpio implements OnoffGpio {
  static created: FakeGpio[] = [];
  static failWith: Error | undefined;
  value: GpioLevel = 0;
  watchers: Array<(err: Error | null | undefined, value: GpioLevel) => void> = [];
  unexported = false;

  constructor(
    readonly sysfsNumber: number,
    readonly direction: OnoffDirection,
    readonly edge?: GpioEdge,
    readonly options?: { activeLow?: boolean },
  ) {
    if (FakeGpio.failWith) throw FakeGpio.failWith;
    FakeGpio.created.push(this);
  }
  async read(): Promise<GpioLevel> {
    return this.value;
  }
  async write(value: GpioLevel): Promise<void> {
    this.value = value;
  }
  watch(callback: (err: Error | null | undefined, value: GpioLevel) => void): void {
    this.watchers.push(callback);
  }
  unwatchAll(): void {
    this.watchers = [];
  }
  unexport(): void {
    this.unexported = true;
  }
  /** What onoff's poller does when the value file signals an edge. */
  edgeTo(value: GpioLevel, err: Error | null = null): void {
    this.value = value;
    for (const watcher of this.watchers) watcher(err, value);
  }
}

const fakeOnoff: OnoffModule = { Gpio: FakeGpio };
let sysfsRoot: string;

/** A Pi 4 on kernel 6.6: pinctrl-bcm2711 at base 512 (see sysfs-gpio-chips.test.ts for the source). */
beforeAll(async () => {
  sysfsRoot = await mkdtemp(join(tmpdir(), 'spinal-onoff-'));
  const chipDir = join(sysfsRoot, 'class', 'gpio', 'gpiochip512');
  await mkdir(chipDir, { recursive: true });
  await writeFile(join(chipDir, 'label'), 'pinctrl-bcm2711\n');
  await writeFile(join(chipDir, 'base'), '512\n');
  await writeFile(join(chipDir, 'ngpio'), '58\n');
});

afterAll(async () => {
  await rm(sysfsRoot, { recursive: true, force: true });
});

function backend(loadModule: () => Promise<OnoffModule> = async () => fakeOnoff): OnoffGpioBackend {
  FakeGpio.created = [];
  FakeGpio.failWith = undefined;
  return new OnoffGpioBackend({ sysfsRoot, loadModule });
}

const ESTOP: GpioLineSpec = { chipLabel: 'pinctrl-bcm2711', line: 17, direction: 'in', edge: 'both', activeLow: true };
const ENABLE: GpioLineSpec = { chipLabel: 'pinctrl-bcm2711', line: 22, direction: 'out' };

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('OnoffGpioBackend', () => {
  it('exports the sysfs number base + line with the spec direction, edge and polarity', async () => {
    const line = await backend().open(ESTOP);
    const [gpio] = FakeGpio.created;
    expect(gpio?.sysfsNumber).toBe(529);
    expect(gpio?.direction).toBe('in');
    expect(gpio?.edge).toBe('both');
    expect(gpio?.options).toEqual({ activeLow: true });
    expect(line.spec).toBe(ESTOP);
  });

  it('starts an output at its inactive level: physical low, or high when active-low', async () => {
    const gpios = backend();
    await gpios.open(ENABLE);
    await gpios.open({ ...ENABLE, line: 23, activeLow: true });
    expect(FakeGpio.created.map((g) => [g.sysfsNumber, g.direction, g.edge])).toEqual([
      [534, 'low', undefined],
      [535, 'high', undefined],
    ]);
  });

  it('reads and writes through onoff', async () => {
    const gpios = backend();
    const enable = await gpios.open(ENABLE);
    await enable.write(1);
    expect(FakeGpio.created[0]?.value).toBe(1);
    expect(await enable.read()).toBe(1);
  });

  it('reports edges to every listener, and a throwing listener does not stop the others', async () => {
    const estop = await backend().open(ESTOP);
    const seen: GpioLevel[] = [];
    estop.onEdge(() => {
      throw new Error('listener bug');
    });
    estop.onEdge((level) => seen.push(level));
    const gpio = FakeGpio.created[0];
    gpio?.edgeTo(1);
    gpio?.edgeTo(0, new Error('EIO reading value'));
    gpio?.edgeTo(0);
    expect(seen).toEqual([1, 0]);
  });

  it('does not watch a line opened without edges', async () => {
    await backend().open({ ...ESTOP, edge: 'none' });
    expect(FakeGpio.created[0]?.watchers).toHaveLength(0);
  });

  it('unexports on close, stops edges, and refuses use after close', async () => {
    const estop = await backend().open(ESTOP);
    const seen: GpioLevel[] = [];
    estop.onEdge((level) => seen.push(level));
    await estop.close();
    await estop.close();
    const gpio = FakeGpio.created[0];
    expect(gpio?.unexported).toBe(true);
    gpio?.edgeTo(1);
    expect(seen).toEqual([]);
    expect((await rejection(estop.read())).code).toBe('ECLOSED');
  });

  it('refuses to write an input and to ask edges of an output', async () => {
    const gpios = backend();
    const estop = await gpios.open(ESTOP);
    expect((await rejection(estop.write(1))).code).toBe('EINVAL');
    expect((await rejection(gpios.open({ ...ENABLE, edge: 'rising' }))).code).toBe('EINVAL');
  });

  it('keeps the errno of a failed export', async () => {
    const gpios = backend();
    FakeGpio.failWith = Object.assign(new Error("EACCES: permission denied, open '/sys/class/gpio/export'"), {
      code: 'EACCES',
    });
    const error = await rejection(gpios.open(ESTOP));
    expect(error.code).toBe('EACCES');
    expect(error.message).toContain('GPIO 529 (pinctrl-bcm2711 line 17)');
  });

  it('names the chips it found when the label is not on this board', async () => {
    const error = await rejection(backend().open({ ...ESTOP, chipLabel: 'pinctrl-rp1' }));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('pinctrl-bcm2711');
  });

  it('says how to install onoff when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'onoff'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await rejection(backend(() => Promise.reject(missing)).open(ESTOP));
    expect(error.code).toBe('EUNKNOWN');
    expect(error.message).toContain('the onoff package is not installed');
    expect(error.message).toContain('npm install onoff');
  });
});
