import { afterEach, describe, expect, it } from 'vitest';
import { isMotorDriver, type MotorDriverDevice } from '../../hal/motor/api.js';
import type { BridgeMode } from '../../hal/motor/bridge-codec.js';
import type { SimMotorOutputs } from '../../simulator/devices/sim-device.js';
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
 * The MotorDriverDevice contract, run against every registered motor-driver model, each over the
 * simulated backend and over the real backends (i2c-bus, serialport + MockBinding, onoff + sysfs GPIO
 * and sysfs PWM) whose mock transports reach the same model. What a channel does is read from the
 * model's decoded output (`SimMotorOutputs.output`): signed duty and drive / brake / coast.
 */

const MS = 1_000;
const CHIP = 'pinctrl-bcm2711';
/** Hardware PWM on the Pi 4's pwmchip0: channel 0 on GPIO 12 or 18, channel 1 on GPIO 13 or 19. */
const HARDWARE_PWM = {
  pwm: { mode: 'hardware', channels: { A: { chip: 'pwmchip0', channel: 0 }, B: { chip: 'pwmchip0', channel: 1 } } },
};

interface MotorCase {
  compatible: string;
  node: ContractNode;
  channels: string[];
  /** The finest duty step the device makes, so the largest rounding a duty may see. */
  dutyStep: number;
  /** What the model shows after `brake()`: `brake`, unless the device cannot brake. */
  brakeMode: BridgeMode;
  /** What the model shows after `stopAll()`. */
  stopAllMode: BridgeMode;
}

const CASES: MotorCase[] = [
  {
    // PCA9685: 12-bit PWM, 4096 steps a period (NXP PCA9685 datasheet, §7.3.3). Address 0x60, no jumper bridged.
    compatible: 'adafruit,dc-motor-hat',
    node: {
      bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
      device: { id: 'motors', compatible: 'adafruit,dc-motor-hat', address: 0x60 },
    },
    channels: ['M1', 'M2', 'M3', 'M4'],
    dutyStep: 1 / 4096,
    brakeMode: 'brake',
    stopAllMode: 'brake',
  },
  {
    // Same chip; the Waveshare HAT's default address is 0x40.
    compatible: 'waveshare,motor-driver-hat',
    node: {
      bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
      device: { id: 'motors', compatible: 'waveshare,motor-driver-hat', address: 0x40 },
    },
    channels: ['MA', 'MB'],
    dutyStep: 1 / 4096,
    brakeMode: 'brake',
    stopAllMode: 'brake',
  },
  {
    // Duty is a signed 16-bit value, ±32767 full scale (RoboClaw user manual, commands 32..34).
    // The RoboClaw has no brake command: brake() is duty 0, which the model shows as coast, and
    // so is stopAll(). What the bridge really does at duty 0 is the controller's PWM-mode setting.
    compatible: 'basicmicro,roboclaw',
    node: {
      bus: { id: 'roboclaw-usb', kind: 'serial', path: '/dev/ttyACM0' },
      device: { id: 'motors', compatible: 'basicmicro,roboclaw', params: { ticksPerMetre: 20_059 } },
    },
    channels: ['M1', 'M2'],
    dutyStep: 1 / 32_767,
    brakeMode: 'coast',
    stopAllMode: 'coast',
  },
  {
    // Hardware PWM at 20 kHz: a 50 000 ns period set in whole nanoseconds.
    compatible: 'st,l298n',
    node: {
      bus: { id: 'gpio0', kind: 'gpio', chipLabel: CHIP },
      device: {
        id: 'motors',
        compatible: 'st,l298n',
        pins: { in1: 23, in2: 24, ena: 12, in3: 5, in4: 6, enb: 13 },
        params: HARDWARE_PWM,
      },
    },
    channels: ['A', 'B'],
    dutyStep: 1 / 50_000,
    brakeMode: 'brake',
    stopAllMode: 'brake',
  },
  {
    compatible: 'toshiba,tb6612fng-gpio',
    node: {
      bus: { id: 'gpio0', kind: 'gpio', chipLabel: CHIP },
      device: {
        id: 'motors',
        compatible: 'toshiba,tb6612fng-gpio',
        pins: { ain1: 23, ain2: 24, pwma: 12, bin1: 5, bin2: 6, pwmb: 13, stby: 25 },
        params: HARDWARE_PWM,
      },
    },
    channels: ['A', 'B'],
    dutyStep: 1 / 50_000,
    brakeMode: 'brake',
    stopAllMode: 'brake',
  },
];

const rigs: ContractRig[] = [];

afterEach(() => {
  for (const rig of rigs.splice(0)) rig.close();
});

interface Rig {
  rig: ContractRig;
  world: ContractWorld;
  driver: MotorDriverDevice;
  board: SimMotorOutputs;
  /** Runs a command until it resolves (it must), then one more quantum so the world has applied it. */
  run(command: Promise<unknown>): Promise<void>;
}

function isMotorOutputs(model: object): model is SimMotorOutputs {
  return typeof (model as Partial<SimMotorOutputs>).output === 'function';
}

/** Binds the model, starts it, and checks it comes up ok. */
async function started(c: MotorCase, backend: ContractBackend): Promise<Rig> {
  const { rig, device, model } = bindContractDevice(backend, c.node);
  rigs.push(rig);
  if (!isMotorDriver(device)) throw new Error(`${c.compatible} is bound as a ${device.kind}, not a motor driver`);
  if (!isMotorOutputs(model)) throw new Error(`the simulator's ${c.compatible} has no motor outputs`);
  const world = new ContractWorld();
  const run = async (command: Promise<unknown>): Promise<void> => {
    const outcome = await rig.settle(command, world);
    expect(outcome).toMatchObject({ ok: true });
    await rig.runFor(QUANTUM_US, world);
  };
  await run(device.start());
  await rig.runFor(50 * MS, world);
  expect(device.health()).toMatchObject({ state: 'ok', reason: '' });
  return { rig, world, driver: device, board: model, run };
}

describe('MotorDriverDevice contract', () => {
  it('covers every registered motor-driver model', () => {
    expect(CASES.map((c) => c.compatible).sort()).toEqual(registeredCompatibles('motor-driver'));
  });

  describe.each(CASES)('$compatible', (c) => {
    describe.each(CONTRACT_BACKENDS)('%s', (backend) => {
      it('names its channels, and drives each forward and in reverse at the signed duty, that channel only', async () => {
        const { driver, board, run } = await started(c, backend);
        expect(driver.channelNames()).toEqual(c.channels);
        for (const name of c.channels) {
          await run(driver.channel(name).setDuty(0.5));
          expect(board.output(name).mode).toBe('drive');
          expect(Math.abs(board.output(name).duty - 0.5)).toBeLessThanOrEqual(c.dutyStep);
          for (const other of c.channels.filter((n) => n !== name)) expect(board.output(other).duty).toBe(0);

          await run(driver.channel(name).setDuty(-0.5));
          expect(board.output(name).mode).toBe('drive');
          expect(Math.abs(board.output(name).duty + 0.5)).toBeLessThanOrEqual(c.dutyStep);

          await run(driver.channel(name).setDuty(0));
          expect(board.output(name).duty).toBe(0);
        }
        expect(driver.health().state).toBe('ok');
      });

      it(`brakes (model shows ${c.brakeMode}) and coasts each channel`, async () => {
        const { driver, board, run } = await started(c, backend);
        for (const name of c.channels) {
          await run(driver.channel(name).setDuty(0.5));
          expect(board.output(name).mode).toBe('drive');
          await run(driver.channel(name).brake());
          expect(board.output(name)).toEqual({ duty: 0, mode: c.brakeMode });
          // What the driver declares its stop to be is what the simulated bridge does.
          expect(driver.stopBehaviour().kind).toBe(c.brakeMode === 'brake' ? 'active-brake' : 'coast');
          expect(driver.stopBehaviour().reference).toMatch(/datasheet|manual/);

          await run(driver.channel(name).setDuty(-0.5));
          expect(board.output(name).mode).toBe('drive');
          await run(driver.channel(name).coast());
          expect(board.output(name)).toEqual({ duty: 0, mode: 'coast' });
        }
      });

      it(`stopAll() stops every channel (model shows ${c.stopAllMode})`, async () => {
        const { driver, board, run } = await started(c, backend);
        await run(Promise.all(c.channels.map((name, i) => driver.channel(name).setDuty(i % 2 ? -0.75 : 0.75))));
        for (const name of c.channels) expect(board.output(name).mode).toBe('drive');

        await run(driver.stopAll());
        for (const name of c.channels) expect(board.output(name)).toEqual({ duty: 0, mode: c.stopAllMode });
        expect(driver.health().state).toBe('ok');
      });

      it('throws a RangeError for an unknown channel and for a duty outside -1..1, and sends nothing', async () => {
        const { rig, world, driver, board } = await started(c, backend);
        expect(() => driver.channel('no-such-motor')).toThrow(RangeError);
        const first = driver.channel(c.channels[0] as string);
        const before = board.output(first.name);
        for (const duty of [2, -1.5, Number.NaN]) {
          await expect(first.setDuty(duty)).rejects.toThrow(RangeError);
        }
        await rig.runFor(20 * MS, world);
        expect(board.output(first.name)).toEqual(before);
        expect(driver.health().state).toBe('ok');
      });
    });
  });
});
