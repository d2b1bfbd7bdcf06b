import { afterEach, describe, expect, it } from 'vitest';
import { busesInUse } from './board-usage.js';
import { checkDeviceFiles, deviceFilesInUse } from './device-files.js';
import {
  createFakeMachine,
  fakeBoard,
  GID,
  PI4_KERNEL_66_GPIO,
  PI5_CHARDEV_GPIO,
  type FakeMachine,
  type FakeMachineSpec,
} from './fake-machine.js';
import { inspectGpio } from './gpio-numbering.js';

const machines: FakeMachine[] = [];
async function machine(spec: FakeMachineSpec): Promise<FakeMachine> {
  const created = await createFakeMachine(spec);
  machines.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.remove()));
});

const LIDAR_AND_HAT = fakeBoard({
  buses: [
    { id: 'uart0', kind: 'serial', path: '/dev/ttyUSB0' },
    { id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' },
    { id: 'spare', kind: 'serial', path: '/dev/ttyUSB7' },
  ],
  devices: [
    { id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' },
    { id: 'motors', compatible: 'adafruit,dc-motor-hat', bus: 'i2c1', address: 0x60 },
    { id: 'old-lidar', compatible: 'ldrobot,ld06', bus: 'spare', enabled: false },
  ],
});
const ESTOP_BOARD = fakeBoard({
  buses: [{ id: 'header', kind: 'gpio', chipLabel: 'pinctrl-rp1' }],
  devices: [{ id: 'estop', compatible: 'generic,estop', bus: 'header', pins: { input: 17 } }],
});
const PI4 = 'Raspberry Pi 4 Model B Rev 1.5';

async function run(spec: FakeMachineSpec, board = LIDAR_AND_HAT) {
  const { host } = await machine(spec);
  const uses = busesInUse(board);
  const gpio = uses.some((u) => u.bus.kind === 'gpio') ? await inspectGpio(host) : undefined;
  return checkDeviceFiles(deviceFilesInUse(uses, gpio), 'board.yaml', host, spec.model);
}

describe('checkDeviceFiles', () => {
  it('reports each device file of a bus in use, and skips buses only disabled devices use', async () => {
    const result = await run({
      model: PI4,
      devices: [
        { path: '/dev/ttyUSB0', gid: GID.dialout },
        { path: '/dev/i2c-1', gid: GID.i2c },
      ],
    });
    expect(result.findings.map((f) => [f.status, f.what])).toEqual([
      ['ok', '/dev/ttyUSB0 (serial bus "uart0", used by lidar) is present'],
      ['ok', '/dev/i2c-1 (i2c bus "i2c1", used by motors) is present'],
    ]);
    expect(result.present.map((f) => f.path)).toEqual(['/dev/ttyUSB0', '/dev/i2c-1']);
  });

  it('says to plug in a missing USB adapter, naming the field to correct otherwise', async () => {
    const result = await run({ model: PI4, devices: [{ path: '/dev/i2c-1' }] });
    const [lidar] = result.findings;
    expect(lidar?.status).toBe('problem');
    expect(lidar?.what).toBe('/dev/ttyUSB0 (serial bus "uart0", used by lidar) does not exist');
    expect(lidar?.fix[0]).toContain('plug in the USB-serial adapter of lidar');
    expect(lidar?.fix[1]).toBe('or correct buses[0].path in board.yaml');
    expect(result.present.map((f) => f.path)).toEqual(['/dev/i2c-1']);
  });

  it('says how to enable I2C on a Raspberry Pi, and how to load i2c-dev elsewhere', async () => {
    const onPi = await run({ model: PI4, devices: [{ path: '/dev/ttyUSB0' }] });
    expect(onPi.findings[1]?.status).toBe('problem');
    expect(onPi.findings[1]?.fix[0]).toContain('raspi-config -> Interface Options -> I2C');
    const onJetson = await run({ model: 'NVIDIA Jetson Orin Nano Developer Kit', devices: [{ path: '/dev/ttyUSB0' }] });
    expect(onJetson.findings[1]?.fix[0]).toContain('sudo modprobe i2c-dev');
  });

  it('says how to enable the UART when an on-board serial port is missing on a Pi', async () => {
    const board = fakeBoard({
      buses: [{ id: 'uart0', kind: 'serial', path: '/dev/serial0' }],
      devices: [{ id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' }],
    });
    const result = await run({ model: PI4 }, board);
    expect(result.findings[0]?.fix[0]).toContain('enable_uart=1');
  });

  it('follows a /dev/serial/by-id link to the adapter, and calls a dangling one missing', async () => {
    const byId = '/dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0';
    const board = fakeBoard({
      buses: [{ id: 'uart0', kind: 'serial', path: byId }],
      devices: [{ id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' }],
    });
    const plugged = await run({ devices: [{ path: '/dev/ttyUSB0' }], links: { [byId]: '../../ttyUSB0' } }, board);
    expect(plugged.findings[0]?.status).toBe('ok');
    const unplugged = await run({ links: { [byId]: '../../ttyUSB0' } }, board);
    expect(unplugged.findings[0]?.status).toBe('problem');
  });

  it('checks the sysfs export file for GPIO when the kernel has sysfs GPIO', async () => {
    const board = fakeBoard({
      buses: [{ id: 'header', kind: 'gpio', chipLabel: 'pinctrl-bcm2711' }],
      devices: [{ id: 'estop', compatible: 'generic,estop', bus: 'header', pins: { input: 17 } }],
    });
    const result = await run({ model: PI4, sysfsGpio: PI4_KERNEL_66_GPIO }, board);
    expect(result.present.map((f) => [f.path, f.access])).toEqual([['/sys/class/gpio/export', 'w']]);
  });

  it("checks the chip's character device when the kernel has no sysfs GPIO", async () => {
    const result = await run({ gpiochips: PI5_CHARDEV_GPIO }, ESTOP_BOARD);
    expect(result.findings.map((f) => f.what)).toEqual([
      '/dev/gpiochip4 (gpio bus "header", used by estop) is present',
    ]);
    expect(result.present[0]?.access).toBe('rw');
  });

  it('leaves a GPIO bus whose chip cannot be found to the numbering check', async () => {
    const result = await run({ gpiochips: PI5_CHARDEV_GPIO, gpiodError: 'gpiodetect is not installed' }, ESTOP_BOARD);
    expect(result.findings).toEqual([]);
  });
});
