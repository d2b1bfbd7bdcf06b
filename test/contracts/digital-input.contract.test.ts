import { afterEach, describe, expect, it } from 'vitest';
import { isDigitalInput, type DigitalInputDevice, type DigitalInputRole } from '../../hal/digital-input/api.js';
import type { SwitchSimDevice } from '../../simulator/devices/switch-model.js';
import {
  CONTRACT_BACKENDS,
  QUANTUM_US,
  bindContractDevice,
  registeredCompatibles,
  type ContractBackend,
  type ContractNode,
  type ContractRig,
} from './harness/contract-rig.js';
import { ContractWorld } from './harness/contract-world.js';

/**
 * The DigitalInputDevice contract, run against every registered digital-input model, each over
 * the simulated backend and over the real GPIO backend (onoff with a sysfs GPIO tree) whose lines
 * are the same switch model's.
 */

const MS = 1_000;
const CHIP = 'pinctrl-bcm2711';
/** The switch params' default debounce, milliseconds. */
const DEBOUNCE_MS = 10;
/** The switch params' default poll period, milliseconds. */
const POLL_MS = 50;

interface SwitchCase {
  compatible: string;
  role: DigitalInputRole;
  node: ContractNode;
  /**
   * What a cut wire reads as. Both switches have a pull-up on the line, so a cut wire reads HIGH:
   * for the normally-closed e-stop (active HIGH) that is pressed, the fail-safe wiring; for the
   * normally-open bumper (active LOW) it is released (hal/digital-input/switch/params.ts).
   */
  cutWireActive: boolean;
}

const CASES: SwitchCase[] = [
  {
    compatible: 'generic,estop-switch',
    role: 'estop',
    node: {
      bus: { id: 'gpio0', kind: 'gpio', chipLabel: CHIP },
      device: { id: 'estop', compatible: 'generic,estop-switch', pins: { in: 5 } },
    },
    cutWireActive: true,
  },
  {
    compatible: 'generic,bumper-switch',
    role: 'bumper',
    node: {
      bus: { id: 'gpio0', kind: 'gpio', chipLabel: CHIP },
      device: { id: 'bumper', compatible: 'generic,bumper-switch', pins: { in: 6 } },
    },
    cutWireActive: false,
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

interface Rig {
  rig: ContractRig;
  world: ContractWorld;
  input: DigitalInputDevice;
  button: SwitchSimDevice;
}

/** Binds the switch, starts it and lets it read its line once. */
async function started(c: SwitchCase, backend: ContractBackend): Promise<Rig> {
  const { rig, device, model } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  if (!isDigitalInput(device)) throw new Error(`${c.compatible} is bound as a ${device.kind}, not a digital input`);
  const world = new ContractWorld();
  // Fail-safe from the start: active until the line has been read.
  expect(device.state().active).toBe(true);
  expect((await rig.settle(device.start(), world)).ok).toBe(true);
  await rig.runFor(2 * DEBOUNCE_MS * MS, world);
  return { rig, world, input: device, button: model as SwitchSimDevice };
}

describe('DigitalInputDevice contract', () => {
  it('covers every registered digital-input model', () => {
    expect(CASES.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('digital-input'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('reads released as inactive, a press as active within the debounce, and a release as inactive again', async () => {
        const { rig, world, input, button } = await started(c, backend);
        expect(input.role).toBe(c.role);
        expect(input.health()).toMatchObject({ state: 'ok', reason: '' });
        expect(input.state()).toMatchObject({ active: false, reason: 'released' });

        const pressedAtUs = rig.nowUs();
        button.press();
        await rig.runFor(QUANTUM_US, world);
        expect(input.state().active).toBe(true);
        expect(input.state().stampUs - pressedAtUs).toBeLessThanOrEqual(DEBOUNCE_MS * MS);

        await rig.runFor(100 * MS, world);
        expect(input.state().active).toBe(true);

        const releasedAtUs = rig.nowUs();
        button.release();
        await rig.runFor(QUANTUM_US, world);
        // The release is seen, but counts only once the line has held for the debounce time.
        expect(input.state().active).toBe(true);
        await rig.runFor(2 * DEBOUNCE_MS * MS, world);
        expect(input.state()).toMatchObject({ active: false, reason: 'released' });
        expect(input.state().stampUs - releasedAtUs).toBeGreaterThanOrEqual(DEBOUNCE_MS * MS);
        expect(input.health().state).toBe('ok');
      });

      it(`reads a cut wire as ${c.cutWireActive ? 'active (fail-safe)' : 'inactive (the pull-up reads released)'}`, async () => {
        const { rig, world, input, button } = await started(c, backend);
        expect(input.state().active).toBe(false);

        button.cutWire();
        await rig.runFor(2 * DEBOUNCE_MS * MS, world);
        expect(input.state().active).toBe(c.cutWireActive);

        button.repairWire();
        await rig.runFor(2 * DEBOUNCE_MS * MS, world);
        expect(input.state().active).toBe(false);
      });

      it('reads active while its line cannot be read (fail-safe), and recovers by itself', async () => {
        const { rig, world, input, button } = await started(c, backend);
        expect(input.state().active).toBe(false);

        rig.setGpioFault(button.lines, true);
        await rig.runFor(POLL_MS * MS + QUANTUM_US, world);
        expect(input.state()).toMatchObject({ active: true, reason: 'line lost: treated as pressed' });
        expect(input.health().state).toBe('failed');

        rig.setGpioFault(button.lines, false);
        // The first reopen comes 200 ms ± 20 % after the loss.
        await rig.runFor(300 * MS, world);
        expect(input.health()).toMatchObject({ state: 'ok', reason: '' });
        await rig.runFor(2 * DEBOUNCE_MS * MS, world);
        expect(input.state()).toMatchObject({ active: false, reason: 'released' });
        expect(input.counters().reopenAttempts).toBeGreaterThanOrEqual(1);
      });
    });
  });
});
