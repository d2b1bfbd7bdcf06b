import { afterEach, describe, expect, it } from 'vitest';
import { isBattery } from '../../hal/battery/api.js';
import type { BatteryReading } from '../../messages/battery-reading.js';
import type { Device } from '../../hal/device-api.js';
import { capabilityOf } from '../../hal/device-api.js';
import type { Ina219SimDevice } from '../../simulator/devices/ina219-model.js';
import type { SimDevice } from '../../simulator/devices/sim-device.js';
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
 * The battery-reading contract (BatteryDevice), run against every registered battery model and
 * against the RoboClaw's own battery reading, each over the simulated backend and over the real
 * backend (i2c-bus with a bridged bus module, serialport + MockBinding) reaching the same model.
 */

const MS = 1_000;
/** The motors' draw while they "run", amperes. */
const MOTOR_CURRENT_A = 2;
/** How far a reading may be from the battery's open-circuit voltage: sag under load and ADC steps, volts. */
const VOLTAGE_BOUND_V = 0.5;

/** What a battery reading comes from: a BatteryDevice, or another device's own reading. */
interface BatterySource {
  device: Device;
  lastReading(): BatteryReading | null;
  onReading(listener: (reading: BatteryReading) => void): void;
}

interface BatteryCase {
  compatible: string;
  node: ContractNode;
  source(device: Device): BatterySource;
  /** The simulated battery's open-circuit voltage, volts. */
  openCircuitV(model: SimDevice): number;
  /** Whether the device measures the current (NaN is what the API gives when it cannot). */
  measuresCurrent: boolean;
}

const CASES: BatteryCase[] = [
  {
    // 0x41: A0 bridged, clear of a Waveshare motor HAT's 0x40 (INA219 datasheet SBOS448G, table 1).
    compatible: 'ti,ina219',
    node: {
      bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
      device: { id: 'battery', compatible: 'ti,ina219', address: 0x41 },
    },
    source(device) {
      if (!isBattery(device)) throw new Error(`ti,ina219 is bound as a ${device.kind}, not a battery monitor`);
      return { device, lastReading: () => device.lastReading(), onReading: (l) => device.onReading(l) };
    },
    openCircuitV: (model) => (model as Ina219SimDevice).batteryVoltageV(),
    measuresCurrent: true,
  },
  {
    // The controller reads its main battery (command 24) but not the battery current: currentA is NaN.
    compatible: 'basicmicro,roboclaw',
    node: {
      bus: { id: 'roboclaw-usb', kind: 'serial', path: '/dev/ttyACM0' },
      device: { id: 'motors', compatible: 'basicmicro,roboclaw', params: { ticksPerMetre: 20_059 } },
    },
    source(device) {
      const battery = capabilityOf(device, isBattery);
      if (!battery) throw new Error(`basicmicro,roboclaw offers no battery capability (${device.compatible})`);
      return { device, lastReading: () => battery.lastReading(), onReading: (l) => battery.onReading(l) };
    },
    // The simulated RoboClaw's battery: 12.0 V open circuit (its `batteryOpenCircuitV` default).
    openCircuitV: () => 12.0,
    measuresCurrent: false,
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

function setUp(c: BatteryCase, backend: ContractBackend) {
  const { rig, device, model } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  const source = c.source(device);
  const readings: BatteryReading[] = [];
  source.onReading((reading) => readings.push(reading));
  return { rig, model, source, readings };
}

describe('Battery reading contract', () => {
  it('covers every registered battery model', () => {
    const batteryCases = CASES.filter((c) => registeredCompatibles('battery').includes(c.compatible));
    expect(batteryCases.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('battery'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('becomes ok, reads the battery voltage, and a positive current when the motors draw', async () => {
        const { rig, model, source, readings } = setUp(c, backend);
        const world = new ContractWorld();
        expect(source.lastReading()).toBeNull();

        expect((await rig.settle(source.device.start(), world)).ok).toBe(true);
        await rig.runFor(500 * MS, world);
        expect(source.device.health()).toMatchObject({ state: 'ok', reason: '' });
        expect(readings.length).toBeGreaterThan(0);
        const idle = source.lastReading() as BatteryReading;
        expect(idle).toEqual(readings.at(-1));
        expect(Math.abs(idle.voltageV - c.openCircuitV(model))).toBeLessThanOrEqual(VOLTAGE_BOUND_V);

        world.motorCurrentA = MOTOR_CURRENT_A;
        const loadedFrom = readings.length;
        await rig.runFor(500 * MS, world);
        const loaded = readings.slice(loadedFrom);
        expect(loaded.length).toBeGreaterThan(0);
        const last = loaded.at(-1) as BatteryReading;
        expect(Math.abs(last.voltageV - c.openCircuitV(model))).toBeLessThanOrEqual(VOLTAGE_BOUND_V);
        // The battery sags under load.
        expect(last.voltageV).toBeLessThan(idle.voltageV);
        if (c.measuresCurrent) {
          expect(last.currentA).toBeGreaterThan(0);
          expect(last.currentA).toBeGreaterThan(idle.currentA + MOTOR_CURRENT_A / 2);
          expect(last.powerW).toBeGreaterThan(0);
        } else {
          expect(last.currentA).toBeNaN();
          expect(last.powerW).toBeNaN();
        }
        expect(source.device.health().state).toBe('ok');

        expect((await rig.settle(source.device.stop(), world)).ok).toBe(true);
        expect(source.device.health().state).toBe('stopped');
        const atStop = readings.length;
        await rig.runFor(300 * MS, world);
        expect(readings.length).toBe(atStop);
      });
    });
  });
});
