import { describe, expect, it } from 'vitest';
import type { Cancel, Clock } from '../../../time/clock.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { GpioBackend, GpioLevel, GpioLine, GpioLineSpec } from '../gpio/api.js';
import { TransportError } from '../transport-error.js';
import type { TransportErrorCode } from '../transport-error.js';
import type { PwmChannelSpec } from './api.js';
import { SoftwarePwmBackend } from './software-pwm-backend.js';

interface Write {
  level: GpioLevel;
  atUs: number;
}

/** An output line on the bench: records each acknowledged write with the clock time it was made at. */
class RecordingLine implements GpioLine {
  readonly writes: Write[] = [];
  attempts = 0;
  inFlight = 0;
  maxInFlight = 0;
  closed = false;
  /** While set, writes fail with this code. */
  failWith: TransportErrorCode | undefined;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    readonly spec: GpioLineSpec,
    private readonly clock: Clock,
  ) {}

  /** Holds every write until {@link letGo}, like a slow sysfs write. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  letGo(): void {
    this.release?.();
    this.gate = undefined;
  }

  async read(): Promise<GpioLevel> {
    return this.writes.at(-1)?.level ?? 0;
  }

  async write(level: GpioLevel): Promise<void> {
    this.attempts++;
    const atUs = this.clock.nowUs();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      if (this.closed) throw new TransportError('ECLOSED', 'line closed');
      if (this.failWith) throw new TransportError(this.failWith, `write GPIO ${this.spec.line}`);
      this.writes.push({ level, atUs });
    } finally {
      this.inFlight--;
    }
  }

  onEdge(): void {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

class RecordingGpio implements GpioBackend {
  readonly kind = 'recording';
  readonly lines: RecordingLine[] = [];
  constructor(private readonly clock: Clock) {}
  async open(spec: GpioLineSpec): Promise<GpioLine> {
    const line = new RecordingLine(spec, this.clock);
    this.lines.push(line);
    return line;
  }
}

/**
 * Timers as Node gives them on a busy board: `after` rounds up to whole milliseconds and fires up to
 * 0.4 ms late; `every` re-arms from when it ran, each time up to 0.4 ms late (deterministic jitter).
 */
class LateTimerClock implements Clock {
  private state = 12_345;
  constructor(private readonly inner: VirtualClock) {}
  nowUs(): number {
    return this.inner.nowUs();
  }
  after(delayUs: number, fn: () => void): Cancel {
    return this.inner.after(Math.ceil(Math.max(1, delayUs) / 1_000) * 1_000 + this.lateUs(), fn);
  }
  every(periodUs: number, fn: () => void): Cancel {
    let cancel: Cancel = () => undefined;
    const arm = (): void => {
      cancel = this.inner.after(periodUs + this.lateUs(), () => {
        arm();
        fn();
      });
    };
    arm();
    return () => cancel();
  }
  private lateUs(): number {
    this.state = (Math.imul(this.state, 1_664_525) + 1_013_904_223) >>> 0;
    return Math.floor((this.state / 4_294_967_296) * 400);
  }
}

const ENA: PwmChannelSpec = { chip: 'pinctrl-bcm2711', channel: 12, periodNs: 1_000_000 };

/** Lets promise callbacks run (the recording line answers at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Advances the clock in small steps, letting writes complete between steps, as a running event loop does. */
async function runFor(clock: VirtualClock, durationUs: number, stepUs = 50): Promise<void> {
  const endUs = clock.nowUs() + durationUs;
  while (clock.nowUs() < endUs) {
    clock.advanceTo(Math.min(endUs, clock.nowUs() + stepUs));
    await Promise.resolve();
    await Promise.resolve();
  }
  await settle();
}

/** Fraction of [fromUs, toUs) the recorded writes held the line high. */
function highFraction(writes: Write[], fromUs: number, toUs: number): number {
  let highUs = 0;
  let level: GpioLevel = 0;
  let sinceUs = fromUs;
  for (const write of writes) {
    if (write.atUs <= fromUs) {
      level = write.level;
      continue;
    }
    if (write.atUs >= toUs) break;
    if (level === 1) highUs += write.atUs - sinceUs;
    level = write.level;
    sinceUs = write.atUs;
  }
  if (level === 1) highUs += toUs - sinceUs;
  return highUs / (toUs - fromUs);
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

function setUp(startUs = 1_000_000): { clock: VirtualClock; gpio: RecordingGpio; pwm: SoftwarePwmBackend } {
  const clock = new VirtualClock(startUs);
  const gpio = new RecordingGpio(clock);
  return { clock, gpio, pwm: new SoftwarePwmBackend(gpio, clock) };
}

describe('SoftwarePwmBackend', () => {
  it('opens the GPIO line named by chip and channel as an output and drives it low', async () => {
    const { gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    expect(channel.spec).toBe(ENA);
    expect(gpio.lines[0]?.spec).toEqual({ chipLabel: 'pinctrl-bcm2711', line: 12, direction: 'out' });
    expect(gpio.lines[0]?.writes).toEqual([{ level: 0, atUs: 1_000_000 }]);
  });

  it('refuses a period shorter than 1 ms without opening the line', async () => {
    const { gpio, pwm } = setUp();
    const error = await rejection(pwm.open({ ...ENA, periodNs: 50_000 }));
    expect(error.code).toBe('EINVAL');
    expect(error.message).toContain('1000 Hz');
    expect(gpio.lines).toHaveLength(0);
    const lenient = new SoftwarePwmBackend(gpio, new VirtualClock(), { minPeriodNs: 100_000 });
    await expect(lenient.open({ ...ENA, periodNs: 100_000 })).resolves.toBeDefined();
  });

  it('makes a 25 % duty at 1 kHz: high at each period start, low 250 µs later, timed on the clock', async () => {
    const { clock, gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    await channel.setDuty(0.25);
    expect(gpio.lines[0]?.writes).toHaveLength(1); // disabled: still low, nothing written
    await channel.enable(true);
    await runFor(clock, 3_000);
    expect(gpio.lines[0]?.writes.slice(1)).toEqual([
      { level: 1, atUs: 1_000_000 },
      { level: 0, atUs: 1_000_250 },
      { level: 1, atUs: 1_001_000 },
      { level: 0, atUs: 1_001_250 },
      { level: 1, atUs: 1_002_000 },
      { level: 0, atUs: 1_002_250 },
      { level: 1, atUs: 1_003_000 },
    ]);
  });

  it('follows a duty change from the next edge on, at a 10 ms period', async () => {
    const { clock, gpio, pwm } = setUp(0);
    const channel = await pwm.open({ ...ENA, periodNs: 10_000_000 });
    await channel.enable(true);
    await channel.setDuty(0.5);
    await runFor(clock, 20_000, 100);
    await channel.setDuty(0.8);
    await runFor(clock, 20_000, 100);
    const writes = gpio.lines[0]?.writes ?? [];
    expect(highFraction(writes, 0, 20_000)).toBeCloseTo(0.5, 6);
    expect(highFraction(writes, 20_000, 40_000)).toBeCloseTo(0.8, 6);
  });

  it('holds the line still at duty 0 and 1: one write, no timers', async () => {
    const { clock, gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    await channel.enable(true);
    await channel.setDuty(1);
    await runFor(clock, 10_000);
    expect(gpio.lines[0]?.writes.map((w) => w.level)).toEqual([0, 1]);
    await channel.setDuty(0);
    await runFor(clock, 10_000);
    expect(gpio.lines[0]?.writes.map((w) => w.level)).toEqual([0, 1, 0]);
    expect(clock.nextDueUs()).toBe(Infinity);
  });

  it('enable(false) stops the waveform low; enable(true) starts it again', async () => {
    const { clock, gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    await channel.setDuty(0.5);
    await channel.enable(true);
    await runFor(clock, 1_200);
    await channel.enable(false);
    const writesWhenDisabled = gpio.lines[0]?.writes.length ?? 0;
    await runFor(clock, 5_000);
    expect(gpio.lines[0]?.writes.length).toBe(writesWhenDisabled);
    expect(gpio.lines[0]?.writes.at(-1)?.level).toBe(0);
    await channel.enable(true);
    await runFor(clock, 2_000);
    expect(highFraction(gpio.lines[0]?.writes ?? [], clock.nowUs() - 2_000, clock.nowUs())).toBeCloseTo(0.5, 6);
  });

  it('keeps the average duty within 1 % when the timers fire in whole milliseconds and late', async () => {
    for (const duty of [0.1, 0.25, 0.5, 0.8]) {
      const virtual = new VirtualClock(0);
      const late = new LateTimerClock(virtual);
      const gpio = new RecordingGpio(late);
      const channel = await new SoftwarePwmBackend(gpio, late).open(ENA);
      await channel.setDuty(duty);
      await channel.enable(true);
      await runFor(virtual, 400_000);
      const writes = gpio.lines[0]?.writes ?? [];
      // Without the correction every pulse would last at least 1 ms: 100 % at 1 kHz.
      expect(Math.abs(highFraction(writes, 0, 400_000) - duty)).toBeLessThan(0.01);
    }
  });

  it('never overlaps writes: an edge during a slow write waits, and only the latest level follows', async () => {
    const { clock, gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    await channel.setDuty(0.25);
    const line = gpio.lines[0] as RecordingLine;
    line.hold();
    const enabled = channel.enable(true);
    clock.advanceBy(1_250); // rise, fall, rise, fall: all while the first write is held
    await settle();
    expect(line.attempts).toBe(2); // the initial low, then the first rise
    line.letGo();
    await enabled;
    await settle();
    expect(line.maxInFlight).toBe(1);
    expect(line.writes.map((w) => w.level)).toEqual([0, 1, 0]);
  });

  it('rejects setDuty with the TransportError of its write', async () => {
    const { pwm, gpio } = setUp();
    const channel = await pwm.open(ENA);
    await channel.enable(true);
    (gpio.lines[0] as RecordingLine).failWith = 'EIO';
    const error = await rejection(channel.setDuty(1));
    expect(error.code).toBe('EIO');
    expect(error.message).toContain('GPIO 12');
    await expect(channel.setDuty(1.5)).rejects.toBeInstanceOf(RangeError);
  });

  it('reports a failed edge once, holds still, and runs again after the next setDuty', async () => {
    const clock = new VirtualClock(0);
    const gpio = new RecordingGpio(clock);
    const reported: Array<[PwmChannelSpec, TransportError]> = [];
    const pwm = new SoftwarePwmBackend(gpio, clock, { onWriteError: (spec, error) => reported.push([spec, error]) });
    const channel = await pwm.open(ENA);
    await channel.setDuty(0.5);
    await channel.enable(true);
    const line = gpio.lines[0] as RecordingLine;
    line.failWith = 'EIO';
    await runFor(clock, 5_000);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.[0]).toBe(ENA);
    expect(reported[0]?.[1].code).toBe('EIO');
    expect(line.attempts).toBe(3); // low at open, high at enable, the failed fall at 500 µs, then nothing
    expect(pwm.counters()).toEqual({ writes: 2, writeErrors: 1 });

    line.failWith = undefined;
    await channel.setDuty(0.5);
    await runFor(clock, 2_000);
    expect(highFraction(line.writes, clock.nowUs() - 2_000, clock.nowUs())).toBeCloseTo(0.5, 6);
  });

  it('close drives the line low, closes it, refuses further use and keeps the counts', async () => {
    const { clock, gpio, pwm } = setUp();
    const channel = await pwm.open(ENA);
    await channel.setDuty(0.5);
    await channel.enable(true);
    await runFor(clock, 100);
    await channel.close();
    await channel.close();
    const line = gpio.lines[0] as RecordingLine;
    expect(line.closed).toBe(true);
    expect(line.writes.at(-1)?.level).toBe(0);
    const writes = line.writes.length;
    await runFor(clock, 5_000);
    expect(line.writes).toHaveLength(writes);
    expect((await rejection(channel.setDuty(0.2))).code).toBe('ECLOSED');
    expect((await rejection(channel.enable(true))).code).toBe('ECLOSED');
    expect(pwm.counters()).toEqual({ writes: 3, writeErrors: 0 });
  });
});
