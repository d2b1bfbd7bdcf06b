import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusConfig } from '../../../config/board-schema.js';
import { settle } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import type { GpioBackend, GpioLevel, GpioLine, GpioLineSpec } from '../../transport/gpio/api.js';
import type { PwmBackend, PwmChannel, PwmChannelSpec } from '../../transport/pwm/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { TransportErrorCode } from '../../transport/transport-error.js';
import type { MotorDriverDevice } from '../api.js';
import { decodeBridge } from './codec.js';
import type { BridgeOutputState } from '../bridge-codec.js';
import type { HBridgeChip } from './codec.js';
import { l298nModel, tb6612GpioModel } from './driver.js';
import type { GpioHBridgeParams } from './params.js';

const CHIP_LABEL = 'pinctrl-bcm2711';
const BUS: BusConfig = { id: 'gpio0', kind: 'gpio', chipLabel: CHIP_LABEL };

/** An L298N module on a Pi 4 header: the example wiring of the board-config docs. */
const L298N_PINS = { in1: 23, in2: 24, ena: 12, in3: 5, in4: 6, enb: 13 };
/** A TB6612FNG breakout: PWMA on GPIO 12, PWMB on GPIO 13, STBY on GPIO 25. */
const TB6612_PINS = { ain1: 23, ain2: 24, pwma: 12, bin1: 5, bin2: 6, pwmb: 13, stby: 25 };
const HARDWARE_PWM = {
  mode: 'hardware',
  channels: { A: { chip: 'pwmchip0', channel: 0 }, B: { chip: 'pwmchip0', channel: 1 } },
};

/**
 * The board on the bench: GPIO output lines and hardware PWM channels, every change logged in
 * order as `<pin>=<value>` with the board-config pin names. It can refuse to open PWM channels and
 * fail line writes.
 */
class Bench {
  readonly levels = new Map<number, GpioLevel>();
  readonly pwm = new Map<string, { duty: number; enabled: boolean; spec: PwmChannelSpec }>();
  readonly log: string[] = [];
  readonly opened: GpioLineSpec[] = [];
  readonly closedLines: number[] = [];
  readonly closedPwm: string[] = [];
  /** While set, line writes fail with this code. */
  failLineWrites: TransportErrorCode | undefined;
  /** Lines whose writes fail, with the code. */
  readonly failingLines = new Map<number, TransportErrorCode>();
  /** Codes the next PWM opens fail with, in order. */
  pwmOpenFailures: TransportErrorCode[] = [];
  /** Called after every change, to check the bridge's state in between. */
  onChange: (() => void) | undefined;
  readonly gpio: GpioBackend;
  readonly pwmBackend: PwmBackend;

  constructor(
    private readonly clock: VirtualClock,
    private readonly names: Record<string, number>,
    private readonly pwmNames: Record<string, string> = { 'pwmchip0/0': 'pwmA', 'pwmchip0/1': 'pwmB' },
  ) {
    this.gpio = { kind: 'bench', open: (spec) => this.openLine(spec) };
    this.pwmBackend = { kind: 'bench', open: (spec) => this.openPwm(spec) };
  }

  /** Pin name of a line. */
  pin(line: number): string {
    return Object.entries(this.names).find(([, value]) => value === line)?.[0] ?? `line${line}`;
  }

  level(pin: string): GpioLevel {
    return this.levels.get(this.names[pin] ?? -1) ?? 0;
  }

  /** Hardware PWM duty as the bridge sees it (0 while disabled). */
  pwmDuty(chip: string, channel: number): number {
    const state = this.pwm.get(`${chip}/${channel}`);
    return state?.enabled ? state.duty : 0;
  }

  private async openLine(spec: GpioLineSpec): Promise<GpioLine> {
    this.opened.push(spec);
    let closed = false;
    return {
      spec,
      read: async () => this.levels.get(spec.line) ?? 0,
      write: async (level) => {
        if (closed) throw new TransportError('ECLOSED', `line ${spec.line} closed`);
        const failure = this.failLineWrites ?? this.failingLines.get(spec.line);
        if (failure) throw new TransportError(failure, `write GPIO ${spec.line}`);
        this.levels.set(spec.line, level);
        this.log.push(`${this.pin(spec.line)}=${level}`);
        this.onChange?.();
      },
      onEdge: () => undefined,
      close: async () => {
        closed = true;
        this.closedLines.push(spec.line);
      },
    };
  }

  private async openPwm(spec: PwmChannelSpec): Promise<PwmChannel> {
    const failure = this.pwmOpenFailures.shift();
    if (failure) throw new TransportError(failure, `no PWM ${spec.chip}/${spec.channel}`);
    const key = `${spec.chip}/${spec.channel}`;
    const name = this.pwmNames[key] ?? key;
    const state = { duty: 0, enabled: false, spec };
    this.pwm.set(key, state);
    let closed = false;
    return {
      spec,
      setDuty: async (duty) => {
        if (closed) throw new TransportError('ECLOSED', `${key} closed`);
        state.duty = duty;
        this.log.push(`${name}=${duty}`);
        this.onChange?.();
      },
      enable: async (on) => {
        if (closed) throw new TransportError('ECLOSED', `${key} closed`);
        state.enabled = on;
        this.log.push(`${name} ${on ? 'on' : 'off'}`);
        this.onChange?.();
      },
      close: async () => {
        closed = true;
        state.enabled = false;
        this.closedPwm.push(key);
      },
    };
  }
}

function context(
  clock: VirtualClock,
  bench: Bench,
  model: DeviceModel<GpioHBridgeParams, MotorDriverDevice>,
  pins: Record<string, number>,
  params: unknown = { pwm: HARDWARE_PWM },
): DeviceCreateContext<GpioHBridgeParams> {
  return deviceContext({
    id: 'motors',
    bus: BUS,
    pins,
    params: model.paramsSchema.parse(params),
    clock,
    backends: { gpio: bench.gpio, pwm: bench.pwmBackend },
  });
}

/** What each bridge of an L298N with hardware PWM does now, by the data sheet's table. */
function l298nOutputs(bench: Bench): { A: BridgeOutputState; B: BridgeOutputState } {
  return {
    A: decodeBridge('l298n', {
      in1: bench.level('in1'),
      in2: bench.level('in2'),
      pwmDuty: bench.pwmDuty('pwmchip0', 0),
    }),
    B: decodeBridge('l298n', {
      in1: bench.level('in3'),
      in2: bench.level('in4'),
      pwmDuty: bench.pwmDuty('pwmchip0', 1),
    }),
  };
}

/** What each bridge of a TB6612 with hardware PWM does now. */
function tb6612Outputs(bench: Bench): { A: BridgeOutputState; B: BridgeOutputState } {
  const stby = bench.level('stby');
  return {
    A: decodeBridge(
      'tb6612fng',
      { in1: bench.level('ain1'), in2: bench.level('ain2'), pwmDuty: bench.pwmDuty('pwmchip0', 0) },
      stby,
    ),
    B: decodeBridge(
      'tb6612fng',
      { in1: bench.level('bin1'), in2: bench.level('bin2'), pwmDuty: bench.pwmDuty('pwmchip0', 1) },
      stby,
    ),
  };
}

async function startedL298n(params: unknown = { pwm: HARDWARE_PWM }) {
  const clock = new VirtualClock(1_000_000);
  const bench = new Bench(clock, L298N_PINS);
  const driver = l298nModel.create(context(clock, bench, l298nModel, L298N_PINS, params));
  await driver.start();
  expect(driver.health().state).toBe('ok');
  bench.log.length = 0;
  return { clock, bench, driver };
}

describe('L298N on GPIO with hardware PWM', () => {
  it('start opens IN1..IN4 as outputs and ENA/ENB as pwmchip0 channels at 20 kHz, then brakes both bridges', async () => {
    const clock = new VirtualClock();
    const bench = new Bench(clock, L298N_PINS);
    const driver = l298nModel.create(context(clock, bench, l298nModel, L298N_PINS));
    expect(driver.health().state).toBe('starting');
    await driver.start();
    expect(bench.opened).toEqual([23, 24, 5, 6].map((line) => ({ chipLabel: CHIP_LABEL, line, direction: 'out' })));
    expect([...bench.pwm.values()].map((p) => p.spec)).toEqual([
      { chip: 'pwmchip0', channel: 0, periodNs: 50_000 },
      { chip: 'pwmchip0', channel: 1, periodNs: 50_000 },
    ]);
    expect(bench.log).toEqual([
      ...['pwmA=0', 'in1=1', 'in2=1', 'pwmA=1', 'pwmA on'],
      ...['pwmB=0', 'in3=1', 'in4=1', 'pwmB=1', 'pwmB on'],
    ]);
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.channelNames()).toEqual(['A', 'B']);
    expect(driver.counters()).toEqual({ writes: 10, writeErrors: 0, pwmErrors: 0, initAttempts: 1 });
  });

  it('drives forward and reverse, brakes and coasts, writing only what changes, PWM down first and up last', async () => {
    const { bench, driver } = await startedL298n();
    const a = driver.channel('A');

    await a.setDuty(0.5);
    expect(bench.log.splice(0)).toEqual(['pwmA=0.5', 'in2=0']);
    expect(l298nOutputs(bench).A).toEqual({ duty: 0.5, mode: 'drive' });

    await a.setDuty(-0.8);
    expect(bench.log.splice(0)).toEqual(['in1=0', 'in2=1', 'pwmA=0.8']);
    expect(l298nOutputs(bench).A).toEqual({ duty: -0.8, mode: 'drive' });

    await a.brake();
    expect(bench.log.splice(0)).toEqual(['in1=1', 'pwmA=1']);
    expect(l298nOutputs(bench).A).toEqual({ duty: 0, mode: 'brake' });

    await a.coast();
    expect(bench.log.splice(0)).toEqual(['pwmA=0', 'in1=0', 'in2=0']);
    expect(l298nOutputs(bench).A).toEqual({ duty: 0, mode: 'coast' });

    await a.setDuty(1);
    expect(bench.log.splice(0)).toEqual(['in1=1', 'pwmA=1']);
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 1, mode: 'drive' }, B: { duty: 0, mode: 'brake' } });
  });

  it('never drives harder than the old or the new command while a command is half written', async () => {
    const { bench, driver } = await startedL298n();
    const command = fc.oneof(
      fc.double({ min: -1, max: 1, noNaN: true }).map((duty) => ({ mode: 'drive' as const, duty })),
      fc.constantFrom({ mode: 'brake' as const }, { mode: 'coast' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        let before = l298nOutputs(bench).A;
        for (const next of commands) {
          const wanted = next.mode === 'drive' ? next.duty : 0;
          // Each in-between state drives, if at all, the old way no harder than before or the new way no harder than asked.
          const within = (duty: number, limit: number): boolean =>
            Math.sign(duty) === Math.sign(limit) && Math.abs(duty) <= Math.abs(limit);
          const from = before;
          bench.onChange = () => {
            const now = l298nOutputs(bench).A;
            if (now.duty !== 0 && !within(now.duty, from.duty) && !within(now.duty, wanted)) {
              expect.unreachable(`drove at ${now.duty} between ${from.duty} and ${wanted}`);
            }
          };
          const channel = driver.channel('A');
          await (next.mode === 'drive' ? channel.setDuty(next.duty) : channel[next.mode]());
          bench.onChange = undefined;
          const after = l298nOutputs(bench).A;
          if (next.mode === 'drive' && next.duty !== 0) expect(after).toEqual({ duty: next.duty, mode: 'drive' });
          else expect(after.duty).toBe(0);
          before = after;
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stopMode coast: start and stopAll leave EN low', async () => {
    const { bench, driver } = await startedL298n({ pwm: HARDWARE_PWM, stopMode: 'coast' });
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 0, mode: 'coast' }, B: { duty: 0, mode: 'coast' } });
    await driver.channel('B').setDuty(-0.3);
    await driver.stopAll();
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 0, mode: 'coast' }, B: { duty: 0, mode: 'coast' } });
    expect(bench.pwm.get('pwmchip0/1')?.duty).toBe(0);
  });

  it('rejects a duty outside -1..1 and an unknown channel without touching a line', async () => {
    const { bench, driver } = await startedL298n();
    await expect(driver.channel('A').setDuty(-1.5)).rejects.toBeInstanceOf(RangeError);
    await expect(driver.channel('A').setDuty(Number.NaN)).rejects.toBeInstanceOf(RangeError);
    expect(() => driver.channel('M1')).toThrow(/unknown motor channel "M1"; this board has A, B/);
    expect(bench.log).toEqual([]);
  });

  it('replaces a queued setDuty with a newer one; brakes and stops are never dropped', async () => {
    const { bench, driver } = await startedL298n();
    const a = driver.channel('A');
    const done = [a.setDuty(0.1), a.setDuty(0.2), a.setDuty(0.3), a.brake(), a.setDuty(0.4), a.setDuty(0.5)];
    await Promise.all(done);
    expect(bench.log.filter((entry) => entry.startsWith('pwmA'))).toEqual([
      'pwmA=0.1', // from brake (EN high) down to 0.1
      'pwmA=0.3',
      'pwmA=1', // brake
      'pwmA=0.5',
    ]);
    expect(l298nOutputs(bench).A).toEqual({ duty: 0.5, mode: 'drive' });
  });

  it('stop() coasts both bridges, releases every line and refuses further commands', async () => {
    const { bench, driver } = await startedL298n();
    await driver.channel('A').setDuty(0.6);
    await driver.stop();
    expect(bench.log.slice(-5)).toEqual(['pwmA=0', 'in1=0', 'pwmB=0', 'in3=0', 'in4=0']);
    expect(bench.closedLines.sort((x, y) => x - y)).toEqual([5, 6, 23, 24]);
    expect(bench.closedPwm.sort()).toEqual(['pwmchip0/0', 'pwmchip0/1']);
    expect(driver.health().state).toBe('stopped');
    await expect(driver.channel('A').setDuty(0.6)).rejects.toMatchObject({ code: 'ECLOSED' });
  });
});

describe('TB6612FNG on GPIO', () => {
  it('holds STBY low while it sets both bridges to brake, then raises it', async () => {
    const clock = new VirtualClock();
    const bench = new Bench(clock, TB6612_PINS);
    const driver = tb6612GpioModel.create(context(clock, bench, tb6612GpioModel, TB6612_PINS));
    await driver.start();
    expect(bench.log[0]).toBe('stby=0');
    expect(bench.log.at(-1)).toBe('stby=1');
    expect(bench.opened.map((spec) => bench.pin(spec.line))).toEqual(['stby', 'ain1', 'ain2', 'bin1', 'bin2']);
    expect(tb6612Outputs(bench)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
  });

  it('drives both ways at the PWM duty, brakes with IN1 = IN2 = H, stops with IN1 = IN2 = L', async () => {
    const clock = new VirtualClock();
    const bench = new Bench(clock, TB6612_PINS);
    const driver = tb6612GpioModel.create(context(clock, bench, tb6612GpioModel, TB6612_PINS));
    await driver.start();
    await driver.channel('A').setDuty(0.7);
    await driver.channel('B').setDuty(-0.2);
    expect(tb6612Outputs(bench)).toEqual({ A: { duty: 0.7, mode: 'drive' }, B: { duty: -0.2, mode: 'drive' } });
    await driver.channel('A').coast();
    expect([bench.level('ain1'), bench.level('ain2'), bench.pwmDuty('pwmchip0', 0)]).toEqual([0, 0, 1]);
    await driver.channel('B').brake();
    expect([bench.level('bin1'), bench.level('bin2'), bench.pwmDuty('pwmchip0', 1)]).toEqual([1, 1, 1]);
    expect(tb6612Outputs(bench)).toEqual({ A: { duty: 0, mode: 'coast' }, B: { duty: 0, mode: 'brake' } });
    await driver.stop();
    expect(bench.level('stby')).toBe(0);
    expect(bench.closedLines).toContain(25);
  });

  it('works without STBY (tied high on the breakout) and with bridge A only', async () => {
    const clock = new VirtualClock();
    const pins = { ain1: 23, ain2: 24 };
    const bench = new Bench(clock, pins);
    const params = {
      pwm: { mode: 'hardware', frequencyHz: 50_000, channels: { A: { chip: 'pwmchip0', channel: 0 } } },
    };
    const driver = tb6612GpioModel.create(context(clock, bench, tb6612GpioModel, pins, params));
    await driver.start();
    expect(driver.channelNames()).toEqual(['A']);
    expect(() => driver.channel('B')).toThrow(RangeError);
    expect(bench.opened.map((spec) => spec.line)).toEqual([23, 24]);
    expect(bench.pwm.get('pwmchip0/0')?.spec.periodNs).toBe(20_000);
    await driver.channel('A').setDuty(-1);
    expect(
      decodeBridge('tb6612fng', {
        in1: bench.level('ain1'),
        in2: bench.level('ain2'),
        pwmDuty: bench.pwmDuty('pwmchip0', 0),
      }),
    ).toEqual({
      duty: -1,
      mode: 'drive',
    });
  });

  it('with software PWM toggles PWMA on the GPIO chip at 1 kHz, timed on the clock', async () => {
    const clock = new VirtualClock(0);
    const bench = new Bench(clock, TB6612_PINS);
    const driver = tb6612GpioModel.create(context(clock, bench, tb6612GpioModel, TB6612_PINS, {}));
    await driver.start();
    expect(bench.opened.map((spec) => bench.pin(spec.line))).toEqual([
      'stby',
      'ain1',
      'ain2',
      'pwma',
      'bin1',
      'bin2',
      'pwmb',
    ]);
    expect(bench.pwm.size).toBe(0);
    expect(tb6612Outputs(bench).A.mode).toBe('brake');
    expect(bench.level('pwma')).toBe(1); // brake holds PWM high: no toggling

    const pwmaChanges: Array<[GpioLevel, number]> = [[1, 0]];
    bench.onChange = () => {
      const level = bench.level('pwma');
      if (pwmaChanges.at(-1)?.[0] !== level) pwmaChanges.push([level, clock.nowUs()]);
    };
    await driver.channel('A').setDuty(0.25);
    for (let step = 0; step < 40; step++) {
      clock.advanceBy(50);
      await settle();
    }
    bench.onChange = undefined;
    expect([bench.level('ain1'), bench.level('ain2')]).toEqual([1, 0]);
    // PWMA was held high (brake); the 25 % waveform starts high at 0 and falls 250 µs into each 1 ms period.
    expect(pwmaChanges).toEqual([
      [1, 0],
      [0, 250],
      [1, 1_000],
      [0, 1_250],
      [1, 2_000],
    ]);
    await driver.stop();
  });
});

describe('GPIO H-bridge faults', () => {
  it('is failed while a PWM channel cannot be opened, closes what it opened, and retries with backoff until it works', async () => {
    const clock = new VirtualClock();
    const bench = new Bench(clock, L298N_PINS);
    bench.pwmOpenFailures = ['ENOENT', 'EACCES'];
    const driver = l298nModel.create(context(clock, bench, l298nModel, L298N_PINS));
    await driver.start();
    expect(driver.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/start failed: .*ENOENT/) });
    expect(bench.closedLines.sort((x, y) => x - y)).toEqual([23, 24]);
    await expect(driver.channel('A').setDuty(0.5)).rejects.toMatchObject({ code: 'ENOENT' });

    clock.advanceBy(1_200_000); // first backoff: 1 s ± 20 %
    await settle();
    expect(driver.health().reason).toMatch(/EACCES/);
    clock.advanceBy(1_920_000); // second: 1.6 s ± 20 %
    await settle();
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.counters().initAttempts).toBe(3);
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
  });

  it('a failed command is degraded, three in a row failed; then it reopens the lines after a backoff and is ok', async () => {
    const { clock, bench, driver } = await startedL298n();
    const a = driver.channel('A');
    bench.failLineWrites = 'EIO';
    await expect(a.setDuty(0.4)).rejects.toMatchObject({ name: 'TransportError', code: 'EIO' });
    expect(driver.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringMatching(/motor command failed: .*EIO/),
    });
    await expect(a.setDuty(0.4)).rejects.toMatchObject({ code: 'EIO' });
    expect(driver.health().state).toBe('degraded');
    await expect(a.brake()).rejects.toMatchObject({ code: 'EIO' });
    expect(driver.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/3 motor commands failed in a row/),
    });
    expect(driver.counters().writeErrors).toBe(3);

    clock.advanceBy(1_200_000);
    await settle();
    expect(driver.health().state).toBe('failed'); // still failing: the restart's first write fails too
    expect(driver.counters().initAttempts).toBe(2);
    bench.failLineWrites = undefined;
    clock.advanceBy(1_920_000);
    await settle();
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.counters().initAttempts).toBe(3);
    expect(bench.opened).toHaveLength(12); // 4 lines, opened three times
    await a.setDuty(0.4);
    expect(l298nOutputs(bench).A).toEqual({ duty: 0.4, mode: 'drive' });
  });

  it('a good command after a failed one is ok again and writes every input afresh', async () => {
    const { bench, driver } = await startedL298n();
    bench.failLineWrites = 'EIO';
    await expect(driver.channel('A').setDuty(-0.5)).rejects.toMatchObject({ code: 'EIO' });
    bench.failLineWrites = undefined;
    bench.log.length = 0;
    await driver.channel('A').setDuty(-0.5);
    expect(bench.log).toEqual(['pwmA=0', 'in1=0', 'in2=1', 'pwmA=0.5']);
    expect(driver.health().state).toBe('ok');
  });

  it('stopAll still stops bridge B when bridge A fails', async () => {
    const { bench, driver } = await startedL298n();
    await driver.channel('A').setDuty(0.5);
    await driver.channel('B').setDuty(-0.5);
    bench.failingLines.set(L298N_PINS.in2, 'EIO');
    await expect(driver.stopAll()).rejects.toMatchObject({ code: 'EIO' });
    expect(l298nOutputs(bench)).toEqual({ A: { duty: 0.5, mode: 'drive' }, B: { duty: 0, mode: 'brake' } });
    expect(driver.health().state).toBe('degraded');
  });

  it('a software PWM edge that fails between commands turns the device degraded until the next command', async () => {
    const clock = new VirtualClock(0);
    const bench = new Bench(clock, L298N_PINS);
    const driver = l298nModel.create(context(clock, bench, l298nModel, L298N_PINS, { pwm: { mode: 'software' } }));
    await driver.start();
    await driver.channel('A').setDuty(0.5);
    bench.failLineWrites = 'EIO';
    clock.advanceBy(500); // the falling edge of ENA
    await settle();
    expect(driver.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringMatching(/software PWM on line 12 failed/),
    });
    expect(driver.counters().pwmErrors).toBe(1);
    bench.failLineWrites = undefined;
    await driver.channel('A').setDuty(0.5);
    expect(driver.health().state).toBe('ok');
    await driver.stop();
  });
});

describe('GPIO H-bridge models and params', () => {
  const pinsOf: Record<HBridgeChip, Record<string, number>> = { l298n: L298N_PINS, tb6612fng: TB6612_PINS };

  it('are motor drivers on a gpio bus under st,l298n and toshiba,tb6612fng-gpio', () => {
    expect(l298nModel).toMatchObject({ compatible: 'st,l298n', kind: 'motor-driver', busKind: 'gpio' });
    expect(tb6612GpioModel).toMatchObject({
      compatible: 'toshiba,tb6612fng-gpio',
      kind: 'motor-driver',
      busKind: 'gpio',
    });
  });

  it('default to software PWM at 1 kHz and brake; hardware PWM defaults to 20 kHz', () => {
    expect(l298nModel.paramsSchema.parse({})).toEqual({
      pwm: { mode: 'software', frequencyHz: 1_000, channels: {} },
      stopMode: 'brake',
    });
    expect(tb6612GpioModel.paramsSchema.parse({ pwm: HARDWARE_PWM }).pwm.frequencyHz).toBe(20_000);
  });

  it('refuse frequencies beyond what each chip and mode can do, and unknown fields', () => {
    const accepts = (model: DeviceModel<GpioHBridgeParams, MotorDriverDevice>, params: unknown): boolean =>
      model.paramsSchema.safeParse(params).success;
    expect(accepts(l298nModel, { pwm: { mode: 'software', frequencyHz: 2_000 } })).toBe(false);
    expect(accepts(l298nModel, { pwm: { ...HARDWARE_PWM, frequencyHz: 40_000 } })).toBe(true);
    expect(accepts(l298nModel, { pwm: { ...HARDWARE_PWM, frequencyHz: 50_000 } })).toBe(false);
    expect(accepts(tb6612GpioModel, { pwm: { ...HARDWARE_PWM, frequencyHz: 100_000 } })).toBe(true);
    expect(accepts(tb6612GpioModel, { pwm: { mode: 'software', frequencyHz: 10 } })).toBe(false);
    expect(accepts(l298nModel, { pwm: { channels: { C: { chip: 'pwmchip0', channel: 2 } } } })).toBe(false);
    expect(accepts(l298nModel, { pwm: { channels: { A: { chip: 'pwm0', channel: 0 } } } })).toBe(false);
    expect(accepts(l298nModel, { stopMode: 'float' })).toBe(false);
    expect(accepts(l298nModel, { frequencyHz: 1_000 })).toBe(false);
    const error = l298nModel.paramsSchema.safeParse({ pwm: { frequencyHz: 5_000 } }).error;
    expect(error?.issues[0]).toMatchObject({
      path: ['pwm', 'frequencyHz'],
      message: expect.stringMatching(/at most 1000 Hz/),
    });
  });

  it.each([
    ['l298n', l298nModel],
    ['tb6612fng', tb6612GpioModel],
  ] as const)('%s: create() names the device and what is wrong with its pins, bus or PWM channels', (chip, model) => {
    const clock = new VirtualClock();
    const bench = new Bench(clock, {});
    const pins = pinsOf[chip];
    const make = (over: Partial<DeviceCreateContext<GpioHBridgeParams>>, params?: unknown) =>
      model.create({ ...context(clock, bench, model, pins, params), ...over });
    expect(() => make({ bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' } })).toThrow(
      `device "motors" (${model.compatible}): needs a gpio bus, "i2c-1" is i2c`,
    );
    expect(() => make({ pins: { bogus: 1 } })).toThrow(/pins: unknown pin "bogus"/);
    expect(() => make({}, { pwm: { mode: 'hardware', channels: { A: { chip: 'pwmchip0', channel: 0 } } } })).toThrow(
      /params.pwm.channels.B is required with pwm.mode hardware/,
    );
    const [in1, in2] = Object.entries(pins);
    expect(() => make({ pins: Object.fromEntries([in1!, in2!]) }, { pwm: { mode: 'software' } })).toThrow(
      /pins: bridge A needs pin "(ena|pwma)" for software PWM/,
    );
    expect(() => make({ pins: Object.fromEntries([in1!, in2!]) })).toThrow(
      /params.pwm.channels.B is given, but bridge B has no pins/,
    );
  });
});
