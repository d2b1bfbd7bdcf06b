import { afterEach, describe, expect, it } from 'vitest';
import { isImu, type ImuDevice } from '../../hal/imu/api.js';
import type { ImuSample } from '../../messages/imu-sample.js';
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
 * The ImuDevice contract, run against every registered IMU model, each over the simulated backend
 * and over the real I2C backend (i2c-bus with a bridged bus module) reaching the same model.
 */

const MS = 1_000;
/** Standard gravity, m/s² (CGPM 1901; what an accelerometer at rest reads upwards). */
const G_MPS2 = 9.80665;
/** Not the default rate (100 Hz), so the rate is known to come from the params. */
const SAMPLE_RATE_HZ = 50;

interface ImuCase {
  compatible: string;
  node: ContractNode;
  /** Standard deviation of one accelerometer / gyro reading at rest (the model's noise), m/s² and rad/s. */
  accelNoiseMps2: number;
  gyroNoiseRadps: number;
}

const CASES: ImuCase[] = [
  {
    // 0x68: AD0 low, as on most breakouts (MPU-6000/6050 Register Map rev 4.2, WHO_AM_I, p. 45).
    compatible: 'invensense,mpu6050',
    node: {
      bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
      device: { id: 'imu', compatible: 'invensense,mpu6050', address: 0x68, params: { sampleRateHz: SAMPLE_RATE_HZ } },
    },
    accelNoiseMps2: 0.03,
    gyroNoiseRadps: 0.001,
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

function setUp(c: ImuCase, backend: ContractBackend): { rig: ContractRig; imu: ImuDevice; samples: ImuSample[] } {
  const { rig, device } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  if (!isImu(device)) throw new Error(`${c.compatible} is bound as a ${device.kind}, not an IMU`);
  const samples: ImuSample[] = [];
  device.onSample((sample) => samples.push(sample));
  return { rig, imu: device, samples };
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

describe('ImuDevice contract', () => {
  it('covers every registered IMU model', () => {
    expect(CASES.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('imu'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('becomes ok and, at rest, reads +1 g up, nothing sideways, no turn, at its configured rate', async () => {
        const { rig, imu, samples } = setUp(c, backend);
        const world = new ContractWorld();
        expect(imu.lastSample()).toBeNull();

        expect((await rig.settle(imu.start(), world)).ok).toBe(true);
        expect(imu.health()).toMatchObject({ state: 'ok', reason: '' });

        const fromUs = rig.nowUs();
        const before = samples.length;
        await rig.runFor(1_000 * MS, world);
        const second = samples.slice(before);
        expect(second.length).toBeGreaterThanOrEqual(SAMPLE_RATE_HZ - 1);
        expect(second.length).toBeLessThanOrEqual(SAMPLE_RATE_HZ + 1);
        const periodUs = 1e6 / SAMPLE_RATE_HZ;
        second.forEach((sample, i) => {
          expect(sample.stampUs).toBeGreaterThan(fromUs);
          if (i > 0)
            expect(Math.abs(sample.stampUs - (second[i - 1] as ImuSample).stampUs - periodUs)).toBeLessThan(1_000);
        });

        // 6σ of one reading, and well inside 1σ for the mean of a second's worth.
        const accelBound = 6 * c.accelNoiseMps2 + 0.01;
        const gyroBound = 6 * c.gyroNoiseRadps + 0.002;
        for (const sample of second) {
          expect(Math.abs(sample.accelMps2.z - G_MPS2)).toBeLessThan(accelBound);
          expect(Math.abs(sample.accelMps2.x)).toBeLessThan(accelBound);
          expect(Math.abs(sample.accelMps2.y)).toBeLessThan(accelBound);
          for (const rate of [sample.gyroRadps.x, sample.gyroRadps.y, sample.gyroRadps.z]) {
            expect(Math.abs(rate)).toBeLessThan(gyroBound);
          }
        }
        expect(mean(second.map((s) => s.accelMps2.z))).toBeCloseTo(G_MPS2, 1);
        expect(mean(second.map((s) => s.accelMps2.x))).toBeCloseTo(0, 1);
        expect(mean(second.map((s) => s.accelMps2.y))).toBeCloseTo(0, 1);
        expect(mean(second.map((s) => s.gyroRadps.z))).toBeCloseTo(0, 2);
        expect(imu.lastSample()).toEqual(samples.at(-1));
        expect(imu.health().state).toBe('ok');

        expect((await rig.settle(imu.stop(), world)).ok).toBe(true);
        expect(imu.health().state).toBe('stopped');
        const atStop = samples.length;
        await rig.runFor(200 * MS, world);
        expect(samples.length).toBe(atStop);
      });
    });
  });
});
