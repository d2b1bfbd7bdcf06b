import { afterEach, describe, expect, it } from 'vitest';
import { isRange, type RangeDevice } from '../../hal/range/api.js';
import type { RangeReading } from '../../messages/range-reading.js';
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
 * The RangeDevice contract, run against every registered range model, each over the simulated
 * backend and over the real backend (serialport + MockBinding, or i2c-bus with a bridged bus
 * module) whose mock transport reaches the same model.
 */

const MS = 1_000;
/** Forward of the robot's centre, a little left, turned 20° left: the beam meets the wall obliquely. */
const MOUNT = { xM: 0.1, yM: 0.05, yawDeg: 20 };
const WALL_X_M = 1.1;
/** Along the beam from the sensor to the wall x = 1.1 m. */
const EXPECTED_DISTANCE_M = (WALL_X_M - MOUNT.xM) / Math.cos((MOUNT.yawDeg * Math.PI) / 180);
/** The model's range noise is gaussian with σ = 1 cm (6σ), plus the sensor's 1 cm resolution. */
const NOISE_BOUND_M = 0.07;
const FRAME_RATE_HZ = 50;

interface RangeCase {
  compatible: string;
  node: ContractNode;
}

const CASES: RangeCase[] = [
  {
    compatible: 'benewake,tfmini-s',
    node: {
      bus: { id: 'uart0', kind: 'serial', path: '/dev/ttyAMA0' },
      device: {
        id: 'front-range',
        compatible: 'benewake,tfmini-s',
        params: { mount: MOUNT, frameRateHz: FRAME_RATE_HZ },
      },
    },
  },
  {
    // 0x10, the TFmini-S factory I2C address (TFmini-S manual, I2C communication).
    compatible: 'benewake,tfmini-s-i2c',
    node: {
      bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
      device: {
        id: 'front-range',
        compatible: 'benewake,tfmini-s-i2c',
        address: 0x10,
        params: { mount: MOUNT, frameRateHz: FRAME_RATE_HZ },
      },
    },
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

function setUp(
  c: RangeCase,
  backend: ContractBackend,
): { rig: ContractRig; sensor: RangeDevice; readings: RangeReading[] } {
  const { rig, device } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  if (!isRange(device)) throw new Error(`${c.compatible} is bound as a ${device.kind}, not a range sensor`);
  const readings: RangeReading[] = [];
  device.onReading((reading) => readings.push(reading));
  return { rig, sensor: device, readings };
}

describe('RangeDevice contract', () => {
  it('covers every registered range model', () => {
    expect(CASES.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('range'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('becomes ok, reads the distance to the wall along its mount at its frame rate, and stops', async () => {
        const { rig, sensor, readings } = setUp(c, backend);
        const world = new ContractWorld();
        world.wallXM = WALL_X_M;
        expect(sensor.mount()).toEqual(MOUNT);
        expect(sensor.lastReading()).toBeNull();

        await rig.settle(sensor.start(), world);
        await rig.runFor(300 * MS, world);
        expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });

        const fromUs = rig.nowUs();
        const before = readings.length;
        await rig.runFor(1_000 * MS, world);
        const inSecond = readings.slice(before);
        expect(inSecond.length).toBeGreaterThanOrEqual(FRAME_RATE_HZ - 1);
        expect(inSecond.length).toBeLessThanOrEqual(FRAME_RATE_HZ + 1);
        for (const reading of inSecond) {
          expect(reading.status).toBe('ok');
          expect(Math.abs(reading.distanceM - EXPECTED_DISTANCE_M)).toBeLessThanOrEqual(NOISE_BOUND_M);
          expect(reading.stampUs).toBeGreaterThan(fromUs);
          expect(reading.stampUs).toBeLessThanOrEqual(rig.nowUs());
        }
        const mean = inSecond.reduce((sum, r) => sum + r.distanceM, 0) / inSecond.length;
        expect(Math.abs(mean - EXPECTED_DISTANCE_M)).toBeLessThan(0.01);
        expect(sensor.lastReading()).toEqual(readings.at(-1));
        expect(sensor.health().state).toBe('ok');

        expect((await rig.settle(sensor.stop(), world)).ok).toBe(true);
        expect(sensor.health().state).toBe('stopped');
        const atStop = readings.length;
        await rig.runFor(300 * MS, world);
        expect(readings.length).toBe(atStop);
        expect(sensor.health().state).toBe('stopped');
      });
    });
  });
});
