import { fakeWorldView } from './harness/fake-world-view.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import { ld06Model } from '../hal/lidar/ld06/driver.js';
import { ld06ParamsSchema } from '../hal/lidar/ld06/params.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { createLd06SimDevice } from '../simulator/devices/ld06-model.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import { SimLinkPair, seededRandom } from './harness/sim-link-pair.js';

const UART = '/dev/ttyUSB0';
const BUS: BusConfig = { id: 'lidar-uart', kind: 'serial', path: UART };
const ONE_SECOND_US = 1_000_000;
/** 4500 samples/s in packets of 12 (LD06 manual, specification table): 375 packets a second. */
const PACKETS_PER_SECOND = 375;
/** Packet period, microseconds: 12 / 4500 s. */
const PACKET_PERIOD_US = 1e6 / PACKETS_PER_SECOND;
/** The model's range noise is gaussian with σ = 5 mm; 6σ bounds every sample of a short run. */
const NOISE_BOUND_M = 0.03;
const RAD_TO_DEG = 180 / Math.PI;

/** The robot at the origin facing +x, and one endless wall along the world line x = `wallXM`. */
function wallAheadWorld(wallXM = 1): SimWorldView {
  const pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, _yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (dx < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random: seededRandom(20_240_601),
  });
}

interface Point {
  xM: number;
  yM: number;
  rangeM: number;
  bearingDeg: number;
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/**
 * The real LD06 driver on the robot side and the simulated LD06 on the world side, each given its
 * own params the way a board config gives them (`simMount` is where the sensor really sits).
 */
function setUp(driverParams: Record<string, unknown>, simMount: Record<string, number> = {}) {
  const pair = new SimLinkPair([createLd06SimDevice(UART, ld06ParamsSchema.parse({ mount: simMount }))]);
  pairs.push(pair);
  const lidar: LidarDevice = ld06Model.create({
    id: 'lidar',
    bus: BUS,
    address: undefined,
    pins: {},
    params: ld06Model.paramsSchema.parse(driverParams),
    clock: pair.clock,
    backends: pair.backends,
  });
  const messages: LidarPoints[] = [];
  /** Robot clock when each packet's points were handed out, microseconds. */
  const deliveredUs: number[] = [];
  lidar.onPoints((points) => {
    messages.push(points);
    deliveredUs.push(pair.clock.nowUs());
  });
  const points = (): Point[] =>
    messages.flatMap((message) =>
      Array.from({ length: message.count }, (_, i) => {
        const xM = message.xM[i] as number;
        const yM = message.yM[i] as number;
        return { xM, yM, rangeM: message.rangeM[i] as number, bearingDeg: Math.atan2(yM, xM) * RAD_TO_DEG };
      }),
    );
  return { pair, lidar, messages, deliveredUs, points };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe('LD06 driver over the sim link, against the simulated LD06', () => {
  it('is ok after one simulated second, with 375 good packets, and sees the wall 1 m ahead', async () => {
    const { pair, lidar, messages, deliveredUs, points } = setUp({});
    const world = wallAheadWorld(1);

    await lidar.start();
    await pair.runUntil(ONE_SECOND_US, world);

    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    const counters = lidar.counters();
    expect(counters.packets).toBe(PACKETS_PER_SECOND);
    expect(counters.badCrc).toBe(0);
    expect(counters.droppedBytes).toBe(0);
    expect(counters.bytesReceived).toBe(PACKETS_PER_SECOND * 47);
    expect(lidar.speedDegPerS()).toBe(3_600);
    expect(messages).toHaveLength(PACKETS_PER_SECOND);
    // The robot clock stands at each packet's wire time (its last byte) when the driver handles it.
    expect(deliveredUs).toEqual(
      Array.from({ length: PACKETS_PER_SECOND }, (_, n) => Math.round((n + 1) * PACKET_PERIOD_US)),
    );
    expect(lidar.lastDataUs()).toBe(ONE_SECOND_US);
    messages.forEach((message, n) => expect(message.stampUs).toBeLessThanOrEqual(deliveredUs[n] as number));

    const all = points();
    const ahead = all.filter((point) => Math.abs(point.bearingDeg) < 1);
    expect(ahead.length).toBeGreaterThanOrEqual(10);
    for (const point of ahead) expect(Math.abs(point.rangeM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
    expect(Math.abs(mean(ahead.map((point) => point.rangeM)) - 1.0)).toBeLessThan(0.005);
    // The wall is the only thing in the world: every return lies on the line x = 1 m, none behind.
    for (const point of all) expect(Math.abs(point.xM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
    expect(all.some((point) => point.yM > 2)).toBe(true);
    expect(all.some((point) => point.yM < -2)).toBe(true);
  });

  it('mounted at yawDeg 90 on both sides, still puts the wall straight ahead of the robot', async () => {
    // The sensor's 0° mark points left; the wall ahead is at sensor angle 90° (the head turns
    // clockwise) and the driver turns it back by the mount: bearing 90° − 90° = 0°, ahead.
    const { pair, lidar, points } = setUp({ mount: { yawDeg: 90 } }, { yawDeg: 90 });

    await lidar.start();
    await pair.runUntil(ONE_SECOND_US, wallAheadWorld(1));

    expect(lidar.health().state).toBe('ok');
    const all = points();
    const ahead = all.filter((point) => Math.abs(point.bearingDeg) < 1);
    expect(ahead.length).toBeGreaterThanOrEqual(10);
    expect(Math.abs(mean(ahead.map((point) => point.rangeM)) - 1.0)).toBeLessThan(0.005);
    for (const point of all) expect(Math.abs(point.xM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
  });

  it("mounted at yawDeg 90 but configured as 0, shows the wall 1 m to the robot's right", async () => {
    // Sensor angle 90° (where the wall really is) read with a 0° mount gives bearing −90°: the
    // right-hand side (y is left). The whole wall becomes the line y = −1 m.
    const { pair, lidar, points } = setUp({}, { yawDeg: 90 });

    await lidar.start();
    await pair.runUntil(ONE_SECOND_US, wallAheadWorld(1));

    const all = points();
    expect(all.length).toBeGreaterThan(1_000);
    for (const point of all) expect(Math.abs(point.yM + 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
    const right = all.filter((point) => Math.abs(point.bearingDeg + 90) < 1);
    expect(right.length).toBeGreaterThanOrEqual(10);
    expect(Math.abs(mean(right.map((point) => point.rangeM)) - 1.0)).toBeLessThan(0.005);
    expect(all.some((point) => point.xM > 2)).toBe(true);
    expect(all.some((point) => point.xM < -2)).toBe(true);
  });

  it('on a port the world does not have, is failed with ENOENT and reopens on the virtual clock', async () => {
    const pair = new SimLinkPair([]);
    pairs.push(pair);
    const lidar = ld06Model.create({
      id: 'lidar',
      bus: BUS,
      address: undefined,
      pins: {},
      params: ld06Model.paramsSchema.parse({}),
      clock: pair.clock,
      backends: pair.backends,
    });

    await lidar.start();

    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toMatch(/ENOENT/);
    // The first reopen comes 500 ms ± 20 % later, on robot time.
    await pair.runUntil(390_000);
    expect(lidar.counters().reopenAttempts).toBe(0);
    await pair.runUntil(610_000);
    expect(lidar.counters().reopenAttempts).toBe(1);
    expect(lidar.health().state).toBe('failed');
  });

  it('opened at 115200 baud, is not ok, says the baud rate may be wrong, and counts the dropped bytes', async () => {
    const { pair, lidar, messages } = setUp({ baudRate: 115_200 });

    await lidar.start();
    await pair.runUntil(900_000, wallAheadWorld(1));
    expect(lidar.health().state).toBe('starting');

    await pair.runUntil(1_100_000, wallAheadWorld(1));

    const health = lidar.health();
    expect(health.state).toBe('failed');
    expect(health.reason).toMatch(/115200 baud/);
    const counters = lidar.counters();
    // The model sends garbage at the packet byte rate: 412 packets' worth of bytes by 1.1 s.
    expect(counters.bytesReceived).toBe(Math.floor(1_100_000 / PACKET_PERIOD_US) * 47);
    expect(counters.droppedBytes).toBe(counters.bytesReceived);
    expect(counters.packets).toBe(0);
    expect(counters.badCrc).toBe(0);
    expect(messages).toEqual([]);
    expect(lidar.lastDataUs()).toBe(-Infinity);
  });
});
