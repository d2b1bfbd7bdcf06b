import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DigitalInputDevice, DigitalInputState } from '../hal/digital-input/api.js';
import { bumperSwitchModel, estopSwitchModel } from '../hal/digital-input/switch/driver.js';
import { bumperSwitchParamsSchema, estopSwitchParamsSchema } from '../hal/digital-input/switch/params.js';
import type { EncoderDevice } from '../hal/encoder/api.js';
import type { EncoderReading } from '../messages/encoder-reading.js';
import { quadratureEncoderModel } from '../hal/encoder/quadrature/driver.js';
import { metresPerCount, quadratureEncoderParamsSchema } from '../hal/encoder/quadrature/params.js';
import type { DeviceHealth } from '../hal/device-health.js';
import type { GpioBackend, GpioLine, GpioLineSpec } from '../hal/transport/gpio/api.js';
import { TransportError } from '../hal/transport/transport-error.js';
import {
  createQuadratureEncoderSimDevice,
  type QuadratureEncoderSimDevice,
} from '../simulator/devices/quadrature-encoder-model.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import { createSwitchSimDevice, type SwitchSimDevice } from '../simulator/devices/switch-model.js';
import { fakeWorldView } from './harness/fake-world-view.js';
import { SimLinkPair } from './harness/sim-link-pair.js';

const CHIP = 'pinctrl-bcm2711';
const BUS: BusConfig = { id: 'gpio', kind: 'gpio', chipLabel: CHIP };
const ENCODER_PINS = { leftA: 17, leftB: 18, rightA: 22, rightB: 23 };
const ESTOP_LINE = 5;
const BUMPER_LINE = 6;
const MS = 1_000;
/** The world's physics step: GPIO models are asked for their edges once per step, as in `SimWorld`. */
const PHYSICS_STEP_US = 1 * MS;
/** The world's lock-step quantum (`sim.quantumMs` default). */
const QUANTUM_US = 5 * MS;

/**
 * A 65 mm wheel behind a 1:34 gearbox with an 11-pulse Hall encoder, decoded ×4: 1496 counts a
 * turn. The mirrored right motor counts down driving forward (wired so, and inverted in params).
 */
const ENCODER_PARAMS = quadratureEncoderParamsSchema.parse({
  countsPerRevolution: 1496,
  wheelDiameterM: 0.065,
  invertRight: true,
});

/** A world whose wheels turn at set speeds and whose body may touch something; time is set by the test. */
class MovingWorld {
  nowUs = 0;
  leftMps = 0;
  rightMps = 0;
  touching = false;
  private leftM = 0;
  private rightM = 0;
  private lastUs = 0;

  readonly view: SimWorldView = fakeWorldView({
    wheelTravelM: () => ({ leftM: this.leftM, rightM: this.rightM }),
    inContact: () => this.touching,
    nowUs: () => this.nowUs,
  });

  moveTo(nowUs: number): void {
    const dtS = (nowUs - this.lastUs) / 1e6;
    this.leftM += this.leftMps * dtS;
    this.rightM += this.rightMps * dtS;
    this.lastUs = nowUs;
    this.nowUs = nowUs;
  }

  travel(): { leftM: number; rightM: number } {
    return { leftM: this.leftM, rightM: this.rightM };
  }
}

/**
 * The robot's GPIO over the sim link, with a switch to make a line's reads and opens fail as the
 * kernel's would (EIO) while `lostLines` holds it: a line lost between the pin and the driver.
 */
class LosableGpio implements GpioBackend {
  readonly kind = 'sim-losable';
  readonly lostLines = new Set<number>();

  constructor(private readonly inner: GpioBackend) {}

  async open(spec: GpioLineSpec): Promise<GpioLine> {
    if (this.lostLines.has(spec.line)) throw new TransportError('EIO', `GPIO ${spec.chipLabel} line ${spec.line} gone`);
    const line = await this.inner.open(spec);
    return {
      spec,
      read: async () => {
        if (this.lostLines.has(spec.line)) throw new TransportError('EIO', `read ${spec.chipLabel} line ${spec.line}`);
        return line.read();
      },
      write: (level) => line.write(level),
      onEdge: (listener) => line.onEdge(listener),
      close: () => line.close(),
    };
  }
}

interface Rig {
  pair: SimLinkPair;
  world: MovingWorld;
  gpio: LosableGpio;
  encoderModel: QuadratureEncoderSimDevice;
  estopModel: SwitchSimDevice;
  bumperModel: SwitchSimDevice;
  encoder: EncoderDevice;
  estop: DigitalInputDevice;
  bumper: DigitalInputDevice;
  readings: EncoderReading[];
  estopChanges: DigitalInputState[];
  bumperChanges: DigitalInputState[];
  encoderHealth: DeviceHealth[];
  estopHealth: DeviceHealth[];
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/**
 * The real encoder and switch drivers on the robot side, the simulated encoders, e-stop (with
 * 2 ms of contact bounce) and bumper on the world side, all on one GPIO chip, joined by the sim link.
 */
function setUp(estopPins: Record<string, number> = { in: ESTOP_LINE }): Rig {
  const estopParams = estopSwitchParamsSchema.parse({});
  const bumperParams = bumperSwitchParamsSchema.parse({});
  const encoderModel = createQuadratureEncoderSimDevice(CHIP, ENCODER_PINS, ENCODER_PARAMS);
  const estopModel = createSwitchSimDevice(CHIP, ESTOP_LINE, 'estop', estopParams, { bounceUs: 2 * MS });
  const bumperModel = createSwitchSimDevice(CHIP, BUMPER_LINE, 'bumper', bumperParams);
  const pair = new SimLinkPair([encoderModel, estopModel, bumperModel]);
  pairs.push(pair);
  const gpio = new LosableGpio(pair.backends.gpio);
  const backends = { ...pair.backends, gpio };
  const common = { bus: BUS, address: undefined, clock: pair.clock, backends };
  const encoder = quadratureEncoderModel.create({
    ...common,
    id: 'wheels',
    pins: ENCODER_PINS,
    params: ENCODER_PARAMS,
  });
  const estop = estopSwitchModel.create({ ...common, id: 'estop', pins: estopPins, params: estopParams });
  const bumper = bumperSwitchModel.create({ ...common, id: 'bumper', pins: { in: BUMPER_LINE }, params: bumperParams });
  const rig: Rig = {
    pair,
    world: new MovingWorld(),
    gpio,
    encoderModel,
    estopModel,
    bumperModel,
    encoder,
    estop,
    bumper,
    readings: [],
    estopChanges: [],
    bumperChanges: [],
    encoderHealth: [],
    estopHealth: [],
  };
  encoder.onReading((reading) => rig.readings.push(reading));
  estop.onChange((state) => rig.estopChanges.push(state));
  bumper.onChange((state) => rig.bumperChanges.push(state));
  encoder.onHealthChange((health) => rig.encoderHealth.push(health));
  estop.onHealthChange((health) => rig.estopHealth.push(health));
  return rig;
}

/** The health states a device went through, repeats (a new reason in the same state) folded. */
function states(changes: DeviceHealth[]): string[] {
  return changes.map((h) => h.state).filter((state, i, all) => i === 0 || all[i - 1] !== state);
}

async function startAll(rig: Rig): Promise<void> {
  await Promise.all([rig.encoder.start(), rig.estop.start(), rig.bumper.start()]);
}

/** Runs the world as `SimWorld` does: GPIO edges every 1 ms physics step, a tick every 5 ms quantum. */
async function runUntil(rig: Rig, untilUs: number): Promise<void> {
  const { pair, world } = rig;
  while (pair.nowUs() < untilUs) {
    const endUs = Math.min(untilUs, pair.nowUs() + QUANTUM_US);
    for (let t = pair.nowUs() + PHYSICS_STEP_US; t <= endUs; t += PHYSICS_STEP_US) {
      world.moveTo(t);
      pair.server.streamGpioEdges(t, world.view);
    }
    await pair.step(endUs, world.view);
  }
}

describe('quadrature encoders over the sim link', () => {
  it('count the wheel travel the world reports, edge for edge, in metres per wheel', async () => {
    const rig = setUp();
    await startAll(rig);
    expect(rig.encoder.health()).toMatchObject({ state: 'ok' });
    rig.world.leftMps = 0.2;
    rig.world.rightMps = -0.1;
    await runUntil(rig, 1_000 * MS);

    const reading = rig.encoder.lastReading();
    expect(reading?.stampUs).toBe(1_000 * MS);
    // The inverted right encoder counts up driving backwards; the driver's invert restores the sign.
    expect(reading?.counts).toEqual({
      left: rig.encoderModel.position('left'),
      right: -rig.encoderModel.position('right'),
    });
    const countM = metresPerCount(ENCODER_PARAMS);
    expect(Math.abs((reading?.travelM.left ?? 0) - rig.world.travel().leftM)).toBeLessThanOrEqual(countM);
    expect(Math.abs((reading?.travelM.right ?? 0) - rig.world.travel().rightM)).toBeLessThanOrEqual(countM);
    expect(reading?.travelM.left).toBeCloseTo(0.2, 3);
    expect(reading?.travelM.right).toBeCloseTo(-0.1, 3);
    // 50 readings a second, every 20 ms of sim time.
    expect(rig.readings).toHaveLength(50);
    expect(rig.readings.slice(0, 2).map((r) => r.stampUs)).toEqual([20 * MS, 40 * MS]);
    expect(rig.encoder.counters()).toMatchObject({ missedEdges: 0, invalidTransitions: 0 });
    expect(rig.encoder.health().state).toBe('ok');
  });

  it('turn degraded while edge events are lost, and ok again a clean second after', async () => {
    const rig = setUp();
    await startAll(rig);
    rig.world.leftMps = 0.1;
    rig.world.rightMps = 0.1;
    await runUntil(rig, 500 * MS);
    expect(rig.encoder.health().state).toBe('ok');

    rig.encoderModel.setLosingEdges(true);
    await runUntil(rig, 1_500 * MS);
    expect(rig.encoder.health().state).toBe('degraded');
    expect(rig.encoder.health().reason).toMatch(/edges missed in the last 1000 ms \(left \d+, right \d+\)/);
    expect(rig.encoder.counters().missedEdges).toBeGreaterThan(0);

    rig.encoderModel.setLosingEdges(false);
    await runUntil(rig, 3_500 * MS);
    expect(rig.encoder.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(states(rig.encoderHealth)).toEqual(['starting', 'ok', 'degraded', 'ok']);
  });
});

describe('e-stop over the sim link', () => {
  it('reads released, then pressed at the edge through the bounce, then released 10 ms after the last bounce', async () => {
    const rig = setUp();
    await startAll(rig);
    await runUntil(rig, 50 * MS);
    expect(rig.estop.state()).toMatchObject({ active: false, reason: 'released' });
    expect(rig.estop.health().state).toBe('ok');

    rig.estopModel.press();
    await runUntil(rig, 51 * MS);
    // The model sees the press at its next 1 ms step and the first edge leaves the wire then.
    expect(rig.estop.state()).toEqual({
      active: true,
      reason: 'pressed or circuit open',
      stampUs: 51 * MS,
      known: true,
    });
    await runUntil(rig, 200 * MS);
    rig.estopModel.release();
    await runUntil(rig, 211 * MS);
    // Released at 201 ms, bouncing until 203 ms: the state holds active until 213 ms.
    expect(rig.estop.state().active).toBe(true);
    await runUntil(rig, 215 * MS);
    expect(rig.estop.state()).toEqual({ active: false, reason: 'released', stampUs: 213 * MS, known: true });
    expect(rig.estopChanges.map((c) => c.reason)).toEqual(['released', 'pressed or circuit open', 'released']);
  });

  it('reads a cut wire as pressed, and released once the wire is mended', async () => {
    const rig = setUp();
    await startAll(rig);
    await runUntil(rig, 50 * MS);
    rig.estopModel.cutWire();
    await runUntil(rig, 60 * MS);
    expect(rig.estop.state()).toMatchObject({ active: true, reason: 'pressed or circuit open' });
    rig.estopModel.repairWire();
    await runUntil(rig, 100 * MS);
    expect(rig.estop.state()).toMatchObject({ active: false, reason: 'released' });
    expect(rig.estop.health().state).toBe('ok');
  });

  it('treats a lost line as pressed with health failed, and recovers by itself when the line reads again', async () => {
    const rig = setUp();
    await startAll(rig);
    await runUntil(rig, 100 * MS);
    expect(rig.estop.state().active).toBe(false);

    rig.gpio.lostLines.add(ESTOP_LINE);
    await runUntil(rig, 160 * MS);
    expect(rig.estop.state()).toMatchObject({ active: true, reason: 'line lost: treated as pressed' });
    expect(rig.estop.health()).toMatchObject({ state: 'failed' });
    expect(rig.estop.health().reason).toMatch(new RegExp(`^cannot read ${CHIP} line ${ESTOP_LINE}: EIO`));
    // It is polled every 50 ms, so the loss shows within one poll period.
    expect(rig.estop.state().stampUs).toBeLessThanOrEqual(150 * MS);

    await runUntil(rig, 1_000 * MS);
    expect(rig.estop.state().active).toBe(true);

    rig.gpio.lostLines.delete(ESTOP_LINE);
    await runUntil(rig, 4_000 * MS);
    expect(rig.estop.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(rig.estop.state()).toMatchObject({ active: false, reason: 'released' });
    expect(states(rig.estopHealth)).toEqual(['starting', 'ok', 'failed', 'ok']);
    expect(rig.estop.counters().reopenAttempts).toBeGreaterThanOrEqual(2);
  });

  it('treats a line nothing is wired to as pressed, with the reason the world gave', async () => {
    const rig = setUp({ in: 27 });
    await startAll(rig);
    await runUntil(rig, 100 * MS);
    expect(rig.estop.state()).toMatchObject({ active: true, reason: 'line lost: treated as pressed' });
    expect(rig.estop.health().state).toBe('failed');
    expect(rig.estop.health().reason).toMatch(/^cannot open pinctrl-bcm2711 line 27: ENOENT: nothing is wired/);
  });
});

describe('bumper over the sim link', () => {
  it('is active while the robot touches something, and released after the debounce once it does not', async () => {
    const rig = setUp();
    await startAll(rig);
    await runUntil(rig, 50 * MS);
    expect(rig.bumper.state()).toMatchObject({ active: false, reason: 'released' });

    rig.world.touching = true;
    await runUntil(rig, 60 * MS);
    expect(rig.bumper.state()).toMatchObject({ active: true, reason: 'pressed', stampUs: 51 * MS });
    rig.world.touching = false;
    await runUntil(rig, 100 * MS);
    expect(rig.bumper.state()).toMatchObject({ active: false, reason: 'released', stampUs: 71 * MS });
    expect(rig.bumperChanges.map((c) => c.active)).toEqual([false, true, false]);
  });
});
