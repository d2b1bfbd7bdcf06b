import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DeviceHealth } from '../hal/device-health.js';
import type { MotorDriverDevice } from '../hal/motor/api.js';
import { l298nModel, tb6612GpioModel } from '../hal/motor/gpio-hbridge/driver.js';
import { l298nParamsSchema, tb6612GpioParamsSchema } from '../hal/motor/gpio-hbridge/params.js';
import type { GpioHBridgeParams } from '../hal/motor/gpio-hbridge/params.js';
import type { TransportBackends } from '../hal/registry.js';
import type { GpioBackend, GpioLine } from '../hal/transport/gpio/api.js';
import type { PwmBackend } from '../hal/transport/pwm/api.js';
import { TransportError } from '../hal/transport/transport-error.js';
import type { TransportErrorCode } from '../hal/transport/transport-error.js';
import { createGpioHBridgeSimDevice } from '../simulator/devices/gpio-hbridge-model.js';
import type { GpioHBridgeCompatible, GpioHBridgeSimDevice } from '../simulator/devices/gpio-hbridge-model.js';
import { SimLinkPair } from './harness/sim-link-pair.js';

const CHIP_LABEL = 'pinctrl-bcm2711';
const BUS: BusConfig = { id: 'gpio0', kind: 'gpio', chipLabel: CHIP_LABEL };
const MS = 1_000;
/** The example wirings of the board-config docs, on a Pi 4 header. */
const L298N_PINS = { in1: 23, in2: 24, ena: 12, in3: 5, in4: 6, enb: 13 };
const TB6612_PINS = { ain1: 23, ain2: 24, pwma: 12, bin1: 5, bin2: 6, pwmb: 13, stby: 25 };
const HARDWARE_PWM = {
  pwm: { mode: 'hardware', channels: { A: { chip: 'pwmchip0', channel: 0 }, B: { chip: 'pwmchip0', channel: 1 } } },
};

/**
 * The robot's transports with faults a GPIO H-bridge meets on a real board, between the driver and
 * the link: writes that fail (a line unexported under us: EBADF) and PWM channels that will not open
 * (held by another process: EBUSY). GPIO has no acknowledge, so the world cannot refuse a write.
 */
class HostFaults {
  failWrites: TransportErrorCode | undefined;
  pwmOpenFailures: TransportErrorCode[] = [];
  readonly backends: TransportBackends;

  constructor(inner: TransportBackends) {
    const gpio: GpioBackend = {
      kind: inner.gpio.kind,
      open: async (spec) => {
        const line = await inner.gpio.open(spec);
        const wrapped: GpioLine = {
          spec: line.spec,
          read: () => line.read(),
          write: (level) => {
            if (this.failWrites) return Promise.reject(new TransportError(this.failWrites, `write GPIO ${spec.line}`));
            return line.write(level);
          },
          onEdge: (listener) => line.onEdge(listener),
          close: () => line.close(),
        };
        return wrapped;
      },
    };
    const pwm: PwmBackend = {
      kind: inner.pwm.kind,
      open: (spec) => {
        const failure = this.pwmOpenFailures.shift();
        if (failure) return Promise.reject(new TransportError(failure, `${spec.chip}/pwm${spec.channel} is busy`));
        return inner.pwm.open(spec);
      },
    };
    this.backends = { ...inner, gpio, pwm };
  }
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

interface Rig {
  pair: SimLinkPair;
  board: GpioHBridgeSimDevice;
  driver: MotorDriverDevice;
  faults: HostFaults;
}

/** The real driver on the robot side, the simulated board on the world side, wired by the same pins and params. */
function setUp(compatible: GpioHBridgeCompatible, pins: Record<string, number>, rawParams: unknown): Rig {
  const model = compatible === 'st,l298n' ? l298nModel : tb6612GpioModel;
  const schema = compatible === 'st,l298n' ? l298nParamsSchema : tb6612GpioParamsSchema;
  const params: GpioHBridgeParams = schema.parse(rawParams);
  const board = createGpioHBridgeSimDevice(compatible, CHIP_LABEL, pins, params);
  const pair = new SimLinkPair([board]);
  pairs.push(pair);
  const faults = new HostFaults(pair.backends);
  const driver = model.create({
    id: 'motors',
    bus: BUS,
    address: undefined,
    pins,
    params,
    clock: pair.clock,
    backends: faults.backends,
  });
  return { pair, board, driver, faults };
}

/** One quantum after the robot's last write: the world has applied every message sent before it. */
async function applied(pair: SimLinkPair): Promise<void> {
  await pair.step(pair.nowUs() + 1 * MS);
}

function outputs(board: GpioHBridgeSimDevice): Record<string, { duty: number; mode: string }> {
  return Object.fromEntries(board.bridgeNames.map((bridge) => [bridge, board.output(bridge)]));
}

describe('L298N driver over the sim link, against the simulated board (hardware PWM)', () => {
  it('starts with both bridges braked, then drives, reverses, brakes and coasts what the board decodes', async () => {
    const { pair, board, driver } = setUp('st,l298n', L298N_PINS, HARDWARE_PWM);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'coast' }, B: { duty: 0, mode: 'coast' } });

    await driver.start();
    await applied(pair);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });

    await driver.channel('A').setDuty(0.5);
    await driver.channel('B').setDuty(-0.25);
    await applied(pair);
    expect(outputs(board)).toEqual({ A: { duty: 0.5, mode: 'drive' }, B: { duty: -0.25, mode: 'drive' } });
    expect(board.inputs('A')).toEqual({ in1: 1, in2: 0, pwmDuty: 0.5, standby: 1 });

    await driver.channel('A').setDuty(-1);
    await driver.channel('B').coast();
    await applied(pair);
    expect(outputs(board)).toEqual({ A: { duty: -1, mode: 'drive' }, B: { duty: 0, mode: 'coast' } });

    await driver.stopAll();
    await applied(pair);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
    expect(driver.counters()).toMatchObject({ writeErrors: 0, initAttempts: 1 });
  });

  it("is failed with the world's answer when the board config names a PWM channel the robot does not have", async () => {
    const { pair } = setUp('st,l298n', L298N_PINS, HARDWARE_PWM);
    const pwmchip2 = { A: { chip: 'pwmchip2', channel: 0 }, B: { chip: 'pwmchip2', channel: 1 } };
    const misnamed = l298nModel.create({
      id: 'motors',
      bus: BUS,
      address: undefined,
      pins: L298N_PINS,
      params: l298nParamsSchema.parse({ pwm: { mode: 'hardware', channels: pwmchip2 } }),
      clock: pair.clock,
      backends: pair.backends,
    });
    await misnamed.start();
    expect(misnamed.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/start failed: ENOENT: no PWM channel pwmchip2\/0 on this robot/),
    });
    await misnamed.stop();
  });
});

describe('TB6612FNG driver over the sim link, against the simulated board', () => {
  it('raises STBY after setting the bridges, and stop() puts the board in standby', async () => {
    const { pair, board, driver } = setUp('toshiba,tb6612fng-gpio', TB6612_PINS, HARDWARE_PWM);
    await driver.start();
    await driver.channel('A').setDuty(0.75);
    await driver.channel('B').brake();
    await applied(pair);
    expect(board.inputs('A').standby).toBe(1);
    expect(outputs(board)).toEqual({ A: { duty: 0.75, mode: 'drive' }, B: { duty: 0, mode: 'brake' } });

    await driver.stop();
    await applied(pair);
    expect(board.inputs('A').standby).toBe(0);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'coast' }, B: { duty: 0, mode: 'coast' } });
    expect(driver.health().state).toBe('stopped');
  });

  it('with software PWM on PWMA/PWMB, holds the steady states exactly: full forward, full reverse, brake, coast', async () => {
    const { pair, board, driver } = setUp('toshiba,tb6612fng-gpio', TB6612_PINS, { pwm: { mode: 'software' } });
    await driver.start();
    await pair.runUntil(20 * MS);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });

    await driver.channel('A').setDuty(1);
    await driver.channel('B').setDuty(-1);
    await pair.runUntil(40 * MS);
    expect(outputs(board)).toEqual({ A: { duty: 1, mode: 'drive' }, B: { duty: -1, mode: 'drive' } });

    await driver.channel('A').coast();
    await pair.runUntil(60 * MS);
    expect(board.output('A')).toEqual({ duty: 0, mode: 'coast' });
    await driver.stop();
  });
});

describe('GPIO H-bridge faults over the sim link', () => {
  it("the board's wiring cut at start (world side): failed with EIO, ok and braked after the backoff once mended", async () => {
    const { pair, board, driver } = setUp('toshiba,tb6612fng-gpio', TB6612_PINS, HARDWARE_PWM);
    pair.server.setGpioFault(board.lines, true);
    await driver.start();
    expect(driver.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/start failed: EIO: GPIO pinctrl-bcm2711 line 25 does not respond/),
    });

    pair.server.setGpioFault(board.lines, false);
    await pair.runUntil(1_210 * MS); // the retry comes 1 s ± 20 % after the start
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.counters().initAttempts).toBe(2);
    expect(board.inputs('A').standby).toBe(1);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
  });

  it('a PWM channel held elsewhere at start: failed, retried with backoff, ok and braked once it is free', async () => {
    const { pair, board, driver, faults } = setUp('st,l298n', L298N_PINS, HARDWARE_PWM);
    faults.pwmOpenFailures = ['EBUSY', 'EBUSY'];
    await driver.start();
    expect(driver.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/start failed: EBUSY/) });

    await pair.runUntil(790 * MS); // first retry 1 s ± 20 % after the start: not yet
    expect(driver.counters().initAttempts).toBe(1);
    await pair.runUntil(1_210 * MS);
    expect(driver.counters().initAttempts).toBe(2);
    expect(driver.health().state).toBe('failed');
    await pair.runUntil(3_200 * MS); // second retry 1.6 s ± 20 % later
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.counters().initAttempts).toBe(3);
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });
  });

  it('writes failing: degraded, failed after three commands, lines reopened after a backoff, then driving again', async () => {
    const { pair, board, driver, faults } = setUp('st,l298n', L298N_PINS, HARDWARE_PWM);
    await driver.start();
    await driver.channel('A').setDuty(0.6);
    await applied(pair);
    const changes: Array<DeviceHealth['state']> = [];
    driver.onHealthChange((health) => changes.push(health.state));

    faults.failWrites = 'EBADF';
    for (let command = 0; command < 3; command++) {
      await expect(driver.channel('A').setDuty(-0.6)).rejects.toMatchObject({ name: 'TransportError', code: 'EBADF' });
    }
    expect(driver.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/3 motor commands failed in a row/),
    });
    await applied(pair);
    // After a failure the driver writes every input afresh, PWM to 0 first: left coasting, never driven the wrong way.
    expect(board.output('A')).toEqual({ duty: 0, mode: 'coast' });
    const failedAtUs = pair.nowUs();

    faults.failWrites = undefined;
    await pair.runUntil(failedAtUs + 1_300 * MS);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(changes).toEqual(['degraded', 'failed', 'ok']);
    expect(driver.counters()).toMatchObject({ writeErrors: 3, initAttempts: 2 });
    expect(outputs(board)).toEqual({ A: { duty: 0, mode: 'brake' }, B: { duty: 0, mode: 'brake' } });

    await driver.channel('A').setDuty(-0.6);
    await applied(pair);
    expect(board.output('A')).toEqual({ duty: -0.6, mode: 'drive' });
  });

  it('the board losing its motor supply coasts the wheels; the commands hold and apply again when it is back', async () => {
    const { pair, board, driver } = setUp('toshiba,tb6612fng-gpio', TB6612_PINS, HARDWARE_PWM);
    await driver.start();
    await driver.channel('A').setDuty(0.4);
    await applied(pair);
    board.setPowered(false);
    await pair.runUntil(pair.nowUs() + 50 * MS);
    expect(board.output('A')).toEqual({ duty: 0, mode: 'coast' });
    // GPIO gives the host no way to see it: the driver stays ok; a stalled wheel is for the odometry to notice.
    expect(driver.health().state).toBe('ok');
    board.setPowered(true);
    expect(board.output('A')).toEqual({ duty: 0.4, mode: 'drive' });
  });
});
