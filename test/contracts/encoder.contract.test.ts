import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../hal/device-api.js';
import { isEncoder } from '../../hal/encoder/api.js';
import type { EncoderReading } from '../../messages/encoder-reading.js';
import { capabilityOf } from '../../hal/device-api.js';
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
 * The encoder-reading contract (EncoderDevice), run against every registered encoder model and
 * against the RoboClaw's own encoder counters, each over the simulated backend and over the real
 * backend (onoff with a sysfs GPIO tree, serialport + MockBinding) reaching the same model.
 */

const MS = 1_000;
/** Slow wheels, so the quadrature edges stay few: the left one forward, the right one backward. */
const LEFT_MPS = 0.05;
const RIGHT_MPS = -0.03;

/** Where encoder readings come from: an EncoderDevice, or another device's own counters. */
interface EncoderSource {
  device: Device;
  channelNames(): string[];
  lastReading(): EncoderReading | null;
  onReading(listener: (reading: EncoderReading) => void): void;
}

interface EncoderCase {
  compatible: string;
  node: ContractNode;
  source(device: Device): EncoderSource;
  /** Which wheel each channel counts. */
  wheels: Record<string, 'left' | 'right'>;
  /** Wheel travel per count, metres: what a reading may lag or round by, plus one count. */
  metresPerCount: number;
  /** Readings a second. */
  rateHz: number;
}

const CASES: EncoderCase[] = [
  {
    // A 65 mm wheel, 1:34 gearbox, 11-pulse Hall encoder decoded ×4: 1496 counts a turn. The mirrored
    // right motor's encoder counts down driving forward, undone by invertRight.
    compatible: 'generic,quadrature-encoder',
    node: {
      bus: { id: 'gpio0', kind: 'gpio', chipLabel: 'pinctrl-bcm2711' },
      device: {
        id: 'wheels',
        compatible: 'generic,quadrature-encoder',
        pins: { leftA: 17, leftB: 18, rightA: 22, rightB: 23 },
        params: { countsPerRevolution: 1496, wheelDiameterM: 0.065, invertRight: true },
      },
    },
    source(device) {
      if (!isEncoder(device)) throw new Error(`generic,quadrature-encoder is bound as a ${device.kind}`);
      return {
        device,
        channelNames: () => device.channelNames(),
        lastReading: () => device.lastReading(),
        onReading: (l) => device.onReading(l),
      };
    },
    wheels: { left: 'left', right: 'right' },
    metresPerCount: (Math.PI * 0.065) / 1496,
    rateHz: 50,
  },
  {
    // 4096 counts a motor turn on a 65 mm wheel: 20 059 counts a metre; M1 on the left wheel, M2 on the right.
    compatible: 'basicmicro,roboclaw',
    node: {
      bus: { id: 'roboclaw-usb', kind: 'serial', path: '/dev/ttyACM0' },
      device: { id: 'motors', compatible: 'basicmicro,roboclaw', params: { ticksPerMetre: 20_059 } },
    },
    source(device) {
      const encoder = capabilityOf(device, isEncoder);
      if (!encoder) throw new Error(`basicmicro,roboclaw offers no encoder capability (${device.compatible})`);
      return {
        device,
        channelNames: () => encoder.channelNames(),
        lastReading: () => encoder.lastReading(),
        onReading: (l) => encoder.onReading(l),
      };
    },
    wheels: { M1: 'left', M2: 'right' },
    metresPerCount: 1 / 20_059,
    rateHz: 50,
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

function setUp(c: EncoderCase, backend: ContractBackend) {
  const { rig, device } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  const source = c.source(device);
  const readings: EncoderReading[] = [];
  source.onReading((reading) => readings.push(reading));
  return { rig, source, readings };
}

describe('Encoder reading contract', () => {
  it('covers every registered encoder model', () => {
    const encoderCases = CASES.filter((c) => registeredCompatibles('encoder').includes(c.compatible));
    expect(encoderCases.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('encoder'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('becomes ok, counts each wheel signed as it turns, at its rate, and stops', async () => {
        const { rig, source, readings } = setUp(c, backend);
        const world = new ContractWorld();
        expect(source.channelNames()).toEqual(Object.keys(c.wheels));

        expect((await rig.settle(source.device.start(), world)).ok).toBe(true);
        await rig.runFor(100 * MS, world);
        expect(source.device.health()).toMatchObject({ state: 'ok', reason: '' });
        for (const channel of Object.keys(c.wheels)) {
          // Math.abs: an inverted channel standing still may count -0.
          expect(Math.abs(source.lastReading()?.counts[channel] ?? NaN)).toBe(0);
        }

        world.leftMps = LEFT_MPS;
        world.rightMps = RIGHT_MPS;
        const before = readings.length;
        await rig.runFor(1_000 * MS, world);
        world.leftMps = 0;
        world.rightMps = 0;
        await rig.runFor(100 * MS, world);

        expect(readings.length - before).toBeGreaterThanOrEqual(1.1 * c.rateHz - 1);
        expect(readings.length - before).toBeLessThanOrEqual(1.1 * c.rateHz + 1);
        const last = source.lastReading() as EncoderReading;
        expect(last).toEqual(readings.at(-1));
        const travel = world.wheelTravelM();
        for (const [channel, wheel] of Object.entries(c.wheels)) {
          const wheelM = wheel === 'left' ? travel.leftM : travel.rightM;
          expect(Math.abs((last.travelM[channel] as number) - wheelM)).toBeLessThanOrEqual(c.metresPerCount);
          expect(Math.sign(last.counts[channel] as number)).toBe(Math.sign(wheelM));
          expect(last.travelM[channel]).toBeCloseTo((last.counts[channel] as number) * c.metresPerCount, 9);
        }
        expect(source.device.health().state).toBe('ok');

        expect((await rig.settle(source.device.stop(), world)).ok).toBe(true);
        expect(source.device.health().state).toBe('stopped');
        const atStop = readings.length;
        world.leftMps = LEFT_MPS;
        await rig.runFor(200 * MS, world);
        expect(readings.length).toBe(atStop);
      });
    });
  });
});
