import { describe, expect, it } from 'vitest';
import type { BusConfig } from '../../../config/board-schema.js';
import { flushMicrotasks, runClockFor } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { MemoryGpioBackend } from '../../../test/harness/memory-gpio-backend.js';
import { unusedBackends } from '../../../test/harness/unused-backends.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { GpioLevel } from '../../transport/gpio/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { DigitalInputDevice, DigitalInputState } from '../api.js';
import { SWITCH_REASONS, bumperSwitchModel, estopSwitchModel } from './driver.js';
import { bumperSwitchParamsSchema, estopSwitchParamsSchema } from './params.js';

const CHIP = 'pinctrl-bcm2711';
const LINE = 5;
const MS = 1_000;

type Role = 'estop' | 'bumper';

function setUp(role: Role, params: Record<string, unknown> = {}, initialLevel: GpioLevel = role === 'estop' ? 0 : 1) {
  const clock = new VirtualClock(2_000_000);
  const gpio = new MemoryGpioBackend();
  gpio.set(LINE, initialLevel);
  const bus: BusConfig = { id: 'gpio', kind: 'gpio', chipLabel: CHIP };
  const model = role === 'estop' ? estopSwitchModel : bumperSwitchModel;
  const schema = role === 'estop' ? estopSwitchParamsSchema : bumperSwitchParamsSchema;
  const device: DigitalInputDevice = model.create(
    deviceContext({
      id: role,
      bus,
      pins: { in: LINE },
      params: schema.parse(params),
      clock,
      backends: { gpio },
    }),
  );
  const changes: DigitalInputState[] = [];
  device.onChange((state) => changes.push(state));
  return { clock, gpio, device, changes };
}

/** Advances the clock in 1 ms steps, letting the driver's reads complete between them. */
function run(clock: VirtualClock, forUs: number): Promise<void> {
  return runClockFor(clock, forUs, MS, flushMicrotasks);
}

describe('switch params', () => {
  it('defaults the e-stop to active-high (normally closed) and the bumper to active-low (normally open)', () => {
    expect(estopSwitchParamsSchema.parse({})).toEqual({ activeLow: false, debounceMs: 10, pollMs: 50 });
    expect(bumperSwitchParamsSchema.parse({})).toEqual({ activeLow: true, debounceMs: 10, pollMs: 50 });
    expect(estopSwitchParamsSchema.safeParse({ debounceMs: -1 }).success).toBe(false);
    expect(estopSwitchParamsSchema.safeParse({ wiring: 'nc' }).success).toBe(false);
  });
});

describe('generic,estop-switch driver', () => {
  it('reads active (pressed) until the line has been read, then released once LOW held for the debounce', async () => {
    const { device, clock, gpio } = setUp('estop');
    expect(device.role).toBe('estop');
    expect(device.state()).toMatchObject({ active: true, reason: SWITCH_REASONS.notReadYet, known: false });
    await device.start();
    expect(gpio.opened[0]).toMatchObject({
      chipLabel: CHIP,
      line: LINE,
      direction: 'in',
      edge: 'both',
      activeLow: false,
    });
    expect(device.health().state).toBe('ok');
    expect(device.state().active).toBe(true);
    await run(clock, 9 * MS);
    expect(device.state().active).toBe(true);
    await run(clock, 1 * MS);
    expect(device.state()).toEqual({ active: false, reason: 'released', stampUs: 2_010_000, known: true });
  });

  it('reads a press at once, at the time of the edge, however the contact bounces; a release waits for the debounce', async () => {
    const { device, clock, gpio, changes } = setUp('estop');
    await device.start();
    await run(clock, 20 * MS);
    changes.length = 0;

    const pressedAtUs = clock.nowUs();
    gpio.set(LINE, 1);
    expect(device.state()).toEqual({
      active: true,
      reason: 'pressed or circuit open',
      stampUs: pressedAtUs,
      known: true,
    });
    // Bounce: LOW for 1 ms, then HIGH for good.
    await run(clock, 1 * MS);
    gpio.set(LINE, 0);
    await run(clock, 1 * MS);
    gpio.set(LINE, 1);
    await run(clock, 30 * MS);
    expect(changes.map((c) => c.active)).toEqual([true]);

    // Release with bounce: the state stays active until LOW has held for 10 ms.
    gpio.set(LINE, 0);
    await run(clock, 3 * MS);
    gpio.set(LINE, 1);
    await run(clock, 1 * MS);
    gpio.set(LINE, 0);
    const lastBounceUs = clock.nowUs();
    await run(clock, 9 * MS);
    expect(device.state().active).toBe(true);
    await run(clock, 1 * MS);
    expect(device.state()).toEqual({ active: false, reason: 'released', stampUs: lastBounceUs + 10 * MS, known: true });
    expect(changes.map((c) => c.active)).toEqual([true, false]);
    expect(device.counters()).toMatchObject({ activations: 1, edges: 6 });
  });

  it('reads a cut wire (HIGH, open circuit) as pressed', async () => {
    const { device, clock, gpio } = setUp('estop');
    await device.start();
    await run(clock, 20 * MS);
    gpio.set(LINE, 1);
    expect(device.state()).toMatchObject({ active: true, reason: 'pressed or circuit open' });
    expect(device.health().state).toBe('ok');
  });

  it('catches a missed edge at the next poll', async () => {
    const { device, clock, gpio } = setUp('estop', { pollMs: 20 });
    await device.start();
    await run(clock, 20 * MS);
    expect(device.state().active).toBe(false);
    gpio.set(LINE, 1, false);
    await run(clock, 20 * MS);
    expect(device.state()).toMatchObject({ active: true, reason: 'pressed or circuit open' });
  });

  it('when the line cannot be read: pressed ("line lost"), health failed; back to released and ok when it reads again', async () => {
    const { device, clock, gpio, changes } = setUp('estop');
    await device.start();
    await run(clock, 20 * MS);
    expect(device.state().active).toBe(false);

    gpio.failRead = new TransportError('EIO', 'read GPIO 517');
    await run(clock, 50 * MS);
    expect(device.state()).toMatchObject({ active: true, reason: 'line lost: treated as pressed' });
    expect(device.health()).toMatchObject({
      state: 'failed',
      reason: `cannot read ${CHIP} line ${LINE}: EIO: read GPIO 517`,
    });
    expect(gpio.closed).toBe(1);

    gpio.failRead = undefined;
    await run(clock, 1_000 * MS);
    expect(device.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(device.state()).toMatchObject({ active: false, reason: 'released' });
    expect(changes.map((c) => c.reason)).toEqual(['released', 'line lost: treated as pressed', 'released']);
    expect(device.counters()).toMatchObject({ readErrors: 1, reopenAttempts: 1 });
  });

  it('when the line cannot be opened: pressed and failed, retried with backoff until it opens', async () => {
    const { device, clock, gpio } = setUp('estop');
    gpio.failOpen = new TransportError('EBUSY', 'GPIO 517 is exported by another process');
    await device.start();
    expect(device.state()).toMatchObject({ active: true, reason: 'line lost: treated as pressed' });
    expect(device.health()).toMatchObject({
      state: 'failed',
      reason: `cannot open ${CHIP} line ${LINE}: EBUSY: GPIO 517 is exported by another process`,
    });
    await run(clock, 3_000 * MS);
    const attempts = gpio.opened.length;
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(device.state().active).toBe(true);

    gpio.failOpen = undefined;
    await run(clock, 3_000 * MS);
    expect(device.health().state).toBe('ok');
    expect(device.state().active).toBe(false);
  });

  it('honours activeLow: true (a normally-open button)', async () => {
    const { device, clock, gpio } = setUp('estop', { activeLow: true }, 1);
    await device.start();
    await run(clock, 20 * MS);
    expect(device.state().active).toBe(false);
    gpio.set(LINE, 0);
    expect(device.state()).toMatchObject({ active: true, reason: 'pressed' });
  });

  it('releases at once with debounceMs 0', async () => {
    const { device, clock, gpio } = setUp('estop', { debounceMs: 0 });
    await device.start();
    expect(device.state().active).toBe(false);
    gpio.set(LINE, 1);
    await run(clock, 1 * MS);
    gpio.set(LINE, 0);
    expect(device.state().active).toBe(false);
  });

  it('stops: active ("stopped"), health stopped, line closed, edges ignored', async () => {
    const { device, clock, gpio } = setUp('estop');
    await device.start();
    await run(clock, 20 * MS);
    await device.stop();
    expect(device.state()).toMatchObject({ active: true, reason: 'stopped: treated as pressed' });
    expect(device.health().state).toBe('stopped');
    expect(gpio.closed).toBe(1);
    const reads = gpio.reads;
    await run(clock, 200 * MS);
    expect(gpio.reads).toBe(reads);
  });

  it('needs pins.in on a gpio bus', () => {
    const base = {
      id: 'estop',
      address: undefined,
      params: estopSwitchParamsSchema.parse({}),
      clock: new VirtualClock(),
      backends: unusedBackends(),
    };
    expect(() =>
      estopSwitchModel.create({ ...base, bus: { id: 'gpio', kind: 'gpio', chipLabel: CHIP }, pins: {} }),
    ).toThrow(/pins\.in is required/);
    expect(() =>
      estopSwitchModel.create({ ...base, bus: { id: 'gpio', kind: 'gpio', chipLabel: CHIP }, pins: { in: 5, out: 6 } }),
    ).toThrow(/unknown pin\(s\) out/);
    expect(() =>
      estopSwitchModel.create({ ...base, bus: { id: 'uart', kind: 'serial', path: '/dev/ttyAMA0' }, pins: { in: 5 } }),
    ).toThrow(/needs a gpio bus/);
  });
});

describe('generic,bumper-switch driver', () => {
  it('is active while pressed (LOW) and released after the debounce', async () => {
    const { device, clock, gpio } = setUp('bumper');
    expect(device.role).toBe('bumper');
    expect(device.compatible).toBe('generic,bumper-switch');
    await device.start();
    await run(clock, 20 * MS);
    expect(device.state()).toMatchObject({ active: false, reason: 'released' });
    gpio.set(LINE, 0);
    expect(device.state()).toMatchObject({ active: true, reason: 'pressed' });
    gpio.set(LINE, 1);
    await run(clock, 10 * MS);
    expect(device.state()).toMatchObject({ active: false, reason: 'released' });
  });
});
