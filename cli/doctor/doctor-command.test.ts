import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../config/config-error.js';
import { createBuiltinRegistry } from '../../hal/builtin-models.js';
import { namedPins } from '../../hal/device-wiring.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { runDoctorCommand } from '../commands/doctor-command.js';
import {
  createFakeMachine,
  GID,
  PI4_KERNEL_66_GPIO,
  PI5_CHARDEV_GPIO,
  type FakeMachine,
  type FakeMachineSpec,
} from './fake-machine.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const PI4_BOARD = 'board-configs/rpi4-ld06-motorhat.yaml';

/** A Pi 4 on kernel 6.6 set up as the board config's comments ask: everything in place. */
const READY_PI4: FakeMachineSpec = {
  model: 'Raspberry Pi 4 Model B Rev 1.5',
  devices: [
    { path: '/dev/ttyUSB0', gid: GID.dialout },
    { path: '/dev/i2c-1', gid: GID.i2c },
  ],
  sysfsGpio: PI4_KERNEL_66_GPIO,
  i2c: { '/dev/i2c-1': { answering: [0x60, 0x70], claimedByKernel: [], method: 'i2c-bus' } },
};

async function machine(spec: FakeMachineSpec): Promise<FakeMachine> {
  const created = await createFakeMachine(spec);
  cleanups.push(created.remove);
  return created;
}

async function doctor(
  spec: FakeMachineSpec,
  board = PI4_BOARD,
  extra: { json?: boolean; registry?: DeviceRegistry } = {},
): Promise<{ code: number; text: string }> {
  const { host } = await machine(spec);
  let text = '';
  const code = await runDoctorCommand({ board, host, out: { write: (chunk: string) => (text += chunk) }, ...extra });
  return { code, text };
}

async function boardFile(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spinal-doctor-board-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'board.yaml');
  await writeFile(file, yaml);
  return file;
}

/** A Pi 5 build: the LD06 on the header UART (serial0), an e-stop button on GPIO 17, the motor HAT. */
const PI5_YAML = `
board: pi5-estop
buses:
  - { id: uart0, kind: serial, path: /dev/serial0 }
  - { id: header, kind: gpio, chipLabel: pinctrl-rp1 }
  - { id: i2c1, kind: i2c, path: /dev/i2c-1 }
devices:
  - id: lidar
    compatible: ldrobot,ld06
    bus: uart0
  - id: estop
    compatible: generic,estop
    bus: header
    pins: { input: 17 }
  - id: motors
    compatible: adafruit,dc-motor-hat
    bus: i2c1
    address: 0x60
robot:
  footprint: { lengthM: 0.3, widthM: 0.24 }
  wheelBaseM: 0.2
  maxWheelSpeedMps: 0.5
  drive: { left: motors.M1, right: motors.M2 }
  lidar: lidar
`;

function registryWithEstop(): DeviceRegistry {
  const registry = createBuiltinRegistry();
  registry.register({
    compatible: 'generic,estop',
    kind: 'digital-input',
    description: 'an e-stop button on one GPIO line',
    busKind: 'gpio',
    address: 'none',
    pins: namedPins({ required: ['input'] }),
    paramsSchema: z.object({}).strict(),
    create() {
      throw new Error('doctor never creates devices');
    },
  });
  return registry;
}

describe('spinal doctor', () => {
  it('exits 0 on a Pi 4 where everything is in place, one line per check and a summary', async () => {
    const { code, text } = await doctor(READY_PI4);
    expect(code).toBe(0);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`spinal doctor: ${PI4_BOARD} on Raspberry Pi 4 Model B Rev 1.5, as user pi`);
    expect(lines.slice(1, -1).every((line) => line.startsWith('ok      '))).toBe(true);
    expect(text).toContain('ok      /dev/ttyUSB0 opens for user pi (group dialout)');
    expect(text).toContain(
      "ok      on /dev/i2c-1 these addresses answer (i2c-bus): 0x60, 0x70 (0x70: the PCA9685's All Call address)",
    );
    expect(text).toContain('ok      motors (adafruit,dc-motor-hat) answers at 0x60 on /dev/i2c-1');
    expect(lines.at(-1)).toMatch(/^nothing blocks spinal run \(0 warning\(s\), \d+ ok\)$/);
  });

  it('exits 1 on a fresh Pi with every problem named, each with its fix', async () => {
    const { code, text } = await doctor({
      ...READY_PI4,
      cmdline: 'console=serial0,115200 console=tty1',
      user: { uid: 1000, name: 'pi', gids: [1000] },
      etcGroup: 'root:x:0:\ndialout:x:20:\ni2c:x:998:\n',
      devices: [{ path: '/dev/i2c-1', gid: GID.i2c }],
      i2c: { '/dev/i2c-1': { answering: [], claimedByKernel: [], method: 'i2c-bus' } },
    });
    expect(code).toBe(1);
    expect(text).toMatch(/PROBLEM \/dev\/ttyUSB0 .* does not exist\n {8}fix: plug in the USB-serial adapter of lidar/);
    expect(text).toContain('PROBLEM user pi may not open /dev/i2c-1');
    expect(text).toContain(
      '        fix: sudo usermod -aG i2c $USER\n        fix: then log out and back in (or reboot)',
    );
    expect(text).toContain('PROBLEM motors (adafruit,dc-motor-hat) does not answer at 0x60 on /dev/i2c-1');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^3 problem\(s\) block spinal run/);
  });

  it('checks a Pi 5 without sysfs GPIO through the character device, and the console on its UART', async () => {
    const file = await boardFile(PI5_YAML);
    const { code, text } = await doctor(
      {
        model: 'Raspberry Pi 5 Model B Rev 1.0',
        cmdline: 'console=ttyAMA10,115200 console=serial0,115200',
        devices: [
          { path: '/dev/ttyAMA0', gid: GID.dialout },
          { path: '/dev/i2c-1', gid: GID.i2c },
        ],
        links: { '/dev/serial0': 'ttyAMA0' },
        gpiochips: PI5_CHARDEV_GPIO,
        i2c: { '/dev/i2c-1': { answering: [0x60, 0x70], claimedByKernel: [], method: 'i2cdetect' } },
      },
      file,
      { registry: registryWithEstop() },
    );
    expect(code).toBe(1);
    expect(text).toContain('ok      /dev/gpiochip4 (gpio bus "header", used by estop) is present');
    expect(text).toContain('ok      /dev/gpiochip4 opens for user pi (group gpio)');
    expect(text).toContain('ok      this kernel has no sysfs GPIO (/sys/class/gpio)');
    expect(text).toContain('ok      pinctrl-rp1 (Raspberry Pi 5) is /dev/gpiochip4 with 54 lines');
    expect(text).toContain('PROBLEM the kernel console is on /dev/serial0 (ttyAMA0), used by lidar');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^1 problem\(s\) block spinal run/);
  });

  it('prints the same findings as JSON when asked', async () => {
    const { code, text } = await doctor({ ...READY_PI4, devices: [{ path: '/dev/i2c-1', gid: GID.i2c }] }, PI4_BOARD, {
      json: true,
    });
    expect(code).toBe(1);
    const report = JSON.parse(text) as {
      file: string;
      boardModel: string;
      blocksRun: boolean;
      summary: { ok: number; warn: number; problem: number };
      findings: Array<{ check: string; status: string; what: string; fix: string[] }>;
    };
    expect(report.file).toBe(PI4_BOARD);
    expect(report.boardModel).toBe('Raspberry Pi 4 Model B Rev 1.5');
    expect(report.blocksRun).toBe(true);
    expect(report.summary.problem).toBe(1);
    const missing = report.findings.find((f) => f.status === 'problem');
    expect(missing?.check).toBe('device-files');
    expect(missing?.fix.length).toBeGreaterThan(0);
  });

  it('fails like spinal run, with a ConfigError naming the field, on a device model it does not know', async () => {
    const file = await boardFile(PI5_YAML);
    const error = await doctor({ ...READY_PI4 }, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('devices[1].compatible');
    expect((error as ConfigError).message).toContain('unknown device model "generic,estop"');
  });
});
