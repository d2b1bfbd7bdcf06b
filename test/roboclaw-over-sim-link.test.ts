import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DeviceHealth } from '../hal/device-health.js';
import { roboclawModel, type RoboclawDevice } from '../hal/motor/roboclaw/driver.js';
import { roboclawParamsSchema } from '../hal/motor/roboclaw/params.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import { createRoboclawSimDevice, type RoboclawSimDevice } from '../simulator/devices/roboclaw-model.js';
import { fakeWorldView } from './harness/fake-world-view.js';
import { SimLinkPair } from './harness/sim-link-pair.js';

const PORT = '/dev/ttyACM0';
const BUS: BusConfig = { id: 'roboclaw-usb', kind: 'serial', path: PORT };
/** 4096 quadrature counts per motor turn on a 65 mm wheel: 4096 / (π × 0.065 m) ≈ 20 059 counts per metre. */
const TICKS_PER_METRE = 20_059;
const MS = 1_000;
/** The simulator's default lock-step quantum (`sim.quantumMs`). */
const QUANTUM_US = 5 * MS;
const UNPLUGGED = { unplugged: true, garbageBytesPerS: 0, corruptRate: 0, latencyUs: 0 };

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/** A world whose wheel travel and motor current the test moves by hand. */
function movableWorld() {
  const state = { leftM: 0, rightM: 0, currentA: 0 };
  const world: SimWorldView = fakeWorldView({
    wheelTravelM: () => ({ leftM: state.leftM, rightM: state.rightM }),
    motorCurrentA: () => state.currentA,
  });
  return { state, world };
}

/** The real RoboClaw driver on the robot side, the simulated RoboClaw on the world side, same board params. */
function setUp(params: Record<string, unknown> = {}) {
  const parsed = roboclawParamsSchema.parse({ ticksPerMetre: TICKS_PER_METRE, ...params });
  const model: RoboclawSimDevice = createRoboclawSimDevice(PORT, parsed);
  const pair = new SimLinkPair([model]);
  pairs.push(pair);
  const driver: RoboclawDevice = roboclawModel.create({
    id: 'drive',
    bus: BUS,
    address: undefined,
    pins: {},
    params: parsed,
    clock: pair.clock,
    backends: pair.backends,
  });
  const { state, world } = movableWorld();
  const run = (toUs: number): Promise<void> => pair.runUntil(toUs, world, QUANTUM_US);
  /** Issues a command and runs the world until it is answered (or has failed), then returns how it went. */
  const settle = async <T>(
    command: Promise<T>,
    forUs = 100 * MS,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
    const outcome = command.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let done = false;
    void outcome.then(() => (done = true));
    const untilUs = pair.nowUs() + forUs;
    while (!done && pair.nowUs() < untilUs) await run(pair.nowUs() + QUANTUM_US);
    return outcome;
  };
  return { pair, model, driver, state, world, run, settle };
}

describe('RoboClaw driver over the sim link, against the simulated RoboClaw', () => {
  it('finds the controller, sets its serial timeout, and drives both motors', async () => {
    const { driver, model, run, settle } = setUp();
    await driver.start();
    await run(50 * MS);

    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.firmwareVersion()).toBe('RoboClaw 10.2A v4.1.11');
    expect(model.serialTimeoutMs()).toBe(500);

    const both = await settle(Promise.all([driver.channel('M1').setDuty(0.5), driver.channel('M2').setDuty(-0.25)]));
    expect(both.ok).toBe(true);
    expect(model.output('M1').mode).toBe('drive');
    expect(model.output('M1').duty).toBeCloseTo(0.5, 4);
    expect(model.output('M2').duty).toBeCloseTo(-0.25, 4);

    expect((await settle(driver.channel('M1').brake())).ok).toBe(true);
    expect(model.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(model.output('M2').mode).toBe('drive');

    expect((await settle(driver.stopAll())).ok).toBe(true);
    expect(model.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(model.output('M2')).toEqual({ duty: 0, mode: 'coast' });
    expect(driver.counters()).toMatchObject({ failedCommands: 0, retries: 0, timeouts: 0, badReplies: 0 });
    expect(model.counters()).toMatchObject({ badCrc: 0, otherAddress: 0 });
  });

  it('reads the wheel travel from the encoders and the sagging battery voltage, polled at 50 Hz', async () => {
    const { driver, state, run } = setUp();
    const travel: Array<{ M1: number; M2: number }> = [];
    driver.onEncoderReading((reading) => travel.push({ M1: reading.travelM.M1 ?? NaN, M2: reading.travelM.M2 ?? NaN }));
    await driver.start();
    await run(100 * MS);
    expect(driver.lastBatteryReading()?.voltageV).toBe(12);

    state.leftM = 0.25;
    state.rightM = -0.1;
    state.currentA = 4;
    await run(300 * MS);

    const reading = driver.lastEncoderReading();
    expect(Math.abs((reading?.travelM.M1 ?? NaN) - 0.25)).toBeLessThanOrEqual(1 / TICKS_PER_METRE);
    expect(Math.abs((reading?.travelM.M2 ?? NaN) + 0.1)).toBeLessThanOrEqual(1 / TICKS_PER_METRE);
    expect(reading?.counts).toEqual({ M1: Math.round(0.25 * TICKS_PER_METRE), M2: Math.round(-0.1 * TICKS_PER_METRE) });
    // 12.0 V − 0.1 Ω × 4 A = 11.6 V.
    expect(driver.lastBatteryReading()?.voltageV).toBeCloseTo(11.6, 6);
    // 300 ms at 50 Hz: about 15 polls, each one encoder reading (some may be skipped while a poll runs).
    expect(travel.length).toBeGreaterThanOrEqual(10);
    expect(driver.counters().failedCommands).toBe(0);
  });

  it('when unplugged, is failed, refuses commands and the controller stops its motors; plugged back, it is ok by itself', async () => {
    const { pair, driver, model, run, settle } = setUp();
    const changes: Array<Pick<DeviceHealth, 'state' | 'reason'>> = [];
    driver.onHealthChange((health) => changes.push({ state: health.state, reason: health.reason }));
    await driver.start();
    await run(50 * MS);
    expect((await settle(driver.channel('M1').setDuty(0.8))).ok).toBe(true);
    expect(model.output('M1').mode).toBe('drive');

    pair.server.setSerialFault(PORT, UNPLUGGED);
    await run(pair.nowUs() + 10 * MS);
    expect(driver.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/ENXIO/) });
    // The serial timeout written at start stops the motors when the host is gone.
    expect(model.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    const refused = await settle(driver.channel('M1').setDuty(0.5));
    expect(refused).toMatchObject({ ok: false, error: { code: 'ECLOSED' } });

    pair.server.setSerialFault(PORT, null);
    await run(pair.nowUs() + 1_500 * MS);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(driver.counters()).toMatchObject({ unexpectedCloses: 1, opens: 2 });
    expect(model.serialTimeoutMs()).toBe(500);
    expect((await settle(driver.channel('M2').setDuty(0.3))).ok).toBe(true);
    expect(model.output('M2').duty).toBeCloseTo(0.3, 4);
    expect(changes.map((change) => change.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
  });

  it('when the controller stops answering, is degraded, then failed, and ok again by itself when it answers', async () => {
    const { driver, model, run, pair } = setUp();
    await driver.start();
    await run(50 * MS);
    expect(driver.health().state).toBe('ok');

    model.setResponding(false);
    // Each poll command takes 3 × 20 ms to fail: degraded after the first, failed after the third.
    await run(pair.nowUs() + 70 * MS);
    expect(driver.health()).toMatchObject({
      state: 'degraded',
      reason: expect.stringMatching(/no reply within 20 ms/),
    });
    await run(pair.nowUs() + 130 * MS);
    expect(driver.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/3 commands in a row failed/),
    });

    model.setResponding(true);
    await run(pair.nowUs() + 1_000 * MS);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    const polls = driver.counters().polls;
    await run(pair.nowUs() + 100 * MS);
    expect(driver.counters().polls).toBeGreaterThan(polls ?? Infinity);
  });

  it('opened at a baud rate the controller does not use, says so in its health', async () => {
    const parsed = roboclawParamsSchema.parse({ ticksPerMetre: TICKS_PER_METRE });
    const pair = new SimLinkPair([createRoboclawSimDevice(PORT, parsed)]);
    pairs.push(pair);
    const driver = roboclawModel.create({
      id: 'drive',
      bus: BUS,
      address: undefined,
      pins: {},
      params: { ...parsed, baudRate: 115_200 },
      clock: pair.clock,
      backends: pair.backends,
    });
    await driver.start();
    await pair.runUntil(100 * MS, movableWorld().world, QUANTUM_US);
    expect(driver.health().state).toBe('failed');
    expect(driver.health().reason).toMatch(
      /no answer from the RoboClaw at address 0x80 on \/dev\/ttyACM0.*115200 baud/,
    );
  });
});
