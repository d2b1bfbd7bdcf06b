import { afterEach, describe, expect, it } from 'vitest';
import { isLidar, type LidarDevice } from '../../hal/lidar/api.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import {
  CONTRACT_BACKENDS,
  bindContractDevice,
  registeredCompatibles,
  type ContractBackend,
  type ContractNode,
  type ContractRig,
} from './harness/contract-rig.js';
import { ContractWorld } from './harness/contract-world.js';

/**
 * The LidarDevice contract, run against every registered lidar model, each over the simulated
 * backend and over the real serial backend (serialport + MockBinding) bridged to the same model.
 */

const MS = 1_000;
const WALL_X_M = 1;
/** Both models' range noise is gaussian with σ = 5 mm; 6σ bounds every sample of a short run. */
const NOISE_BOUND_M = 0.03;
/** Points within this bearing of straight ahead count as "ahead", degrees. */
const AHEAD_DEG = 1.5;
const RAD_TO_DEG = 180 / Math.PI;

interface LidarCase {
  compatible: string;
  path: string;
  /** From start() until the sensor streams a steady scan (motor spin-up, start-up requests), microseconds. */
  warmUpUs: number;
  /** The counter of good frames the driver decoded. */
  decodedCounter: string;
  /** The counters of frames the driver dropped as corrupt. */
  badCounters: string[];
}

const CASES: LidarCase[] = [
  // 375 packets a second from the moment the port opens (LD06 manual, "Communication protocol").
  {
    compatible: 'ldrobot,ld06',
    path: '/dev/ttyUSB0',
    warmUpUs: 400 * MS,
    decodedCounter: 'packets',
    badCounters: ['badCrc'],
  },
  {
    compatible: 'ldrobot,ld19',
    path: '/dev/ttyUSB0',
    warmUpUs: 400 * MS,
    decodedCounter: 'packets',
    badCounters: ['badCrc'],
  },
  // STOP, GET_HEALTH, GET_INFO, the scan modes, EXPRESS_SCAN, and the motor up to speed (the model: 0.3 s) before the first sample.
  {
    compatible: 'slamtec,rplidar-a1',
    path: '/dev/ttyUSB0',
    warmUpUs: 1_000 * MS,
    decodedCounter: 'samples',
    badCounters: ['badNodes', 'badCapsules', 'badDescriptors'],
  },
];

function nodeOf(c: LidarCase): ContractNode {
  return {
    bus: { id: 'lidar-uart', kind: 'serial', path: c.path },
    device: { id: 'lidar', compatible: c.compatible },
  };
}

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

function setUp(
  c: LidarCase,
  backend: ContractBackend,
): { rig: ContractRig; lidar: LidarDevice; messages: LidarPoints[] } {
  const { rig, device } = bindContractDevice(backend, nodeOf(c));
  rigs.push(rig);
  if (!isLidar(device)) throw new Error(`${c.compatible} is bound as a ${device.kind}, not a lidar`);
  const messages: LidarPoints[] = [];
  device.onPoints((points) => messages.push(points));
  return { rig, lidar: device, messages };
}

/** Every point of the messages, with its bearing in the robot frame. */
function pointsOf(
  messages: readonly LidarPoints[],
): Array<{ xM: number; yM: number; rangeM: number; bearingDeg: number }> {
  return messages.flatMap((message) =>
    Array.from({ length: message.count }, (_, i) => {
      const xM = message.xM[i] as number;
      const yM = message.yM[i] as number;
      return { xM, yM, rangeM: message.rangeM[i] as number, bearingDeg: Math.atan2(yM, xM) * RAD_TO_DEG };
    }),
  );
}

describe('LidarDevice contract', () => {
  it('covers every registered lidar model', () => {
    expect(CASES.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('lidar'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('starts, becomes ok, sees a wall 1 m ahead at 1 m, counts good frames only, and stops for good', async () => {
        const { rig, lidar, messages } = setUp(c, backend);
        const world = new ContractWorld();
        world.wallXM = WALL_X_M;
        expect(lidar.lastDataUs()).toBe(-Infinity);

        await lidar.start();
        await rig.runFor(c.warmUpUs, world);

        expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
        const firstDataUs = lidar.lastDataUs();
        expect(firstDataUs).toBeGreaterThan(0);
        expect(firstDataUs).toBeLessThanOrEqual(rig.nowUs());

        await rig.runFor(200 * MS, world);
        expect(lidar.lastDataUs()).toBeGreaterThan(firstDataUs);
        expect(lidar.lastDataUs()).toBeGreaterThan(rig.nowUs() - 20 * MS);
        expect(lidar.health().state).toBe('ok');

        const points = pointsOf(messages);
        const ahead = points.filter((point) => Math.abs(point.bearingDeg) < AHEAD_DEG);
        expect(ahead.length).toBeGreaterThanOrEqual(5);
        for (const point of ahead) {
          expect(Math.abs(point.rangeM - WALL_X_M)).toBeLessThanOrEqual(NOISE_BOUND_M);
          expect(Math.abs(point.xM - WALL_X_M)).toBeLessThanOrEqual(NOISE_BOUND_M);
        }
        // The wall is all there is: no return from behind the robot.
        expect(points.some((point) => point.xM < 0)).toBe(false);

        const counters = lidar.counters();
        expect(counters[c.decodedCounter]).toBeGreaterThan(0);
        for (const bad of c.badCounters) expect(counters[bad]).toBe(0);
        expect(counters.droppedBytes).toBe(0);

        const stopped = await rig.settle(lidar.stop(), world);
        expect(stopped.ok).toBe(true);
        expect(lidar.health().state).toBe('stopped');
        const messagesAtStop = messages.length;
        const lastDataAtStopUs = lidar.lastDataUs();
        await rig.runFor(300 * MS, world);
        expect(messages.length).toBe(messagesAtStop);
        expect(lidar.lastDataUs()).toBe(lastDataAtStopUs);
        expect(lidar.health().state).toBe('stopped');
      });
    });
  });
});
