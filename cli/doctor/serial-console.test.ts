import { afterEach, describe, expect, it } from 'vitest';
import { busesInUse } from './board-usage.js';
import { createFakeMachine, fakeBoard, GID, type FakeMachine, type FakeMachineSpec } from './fake-machine.js';
import { checkSerialConsole, gettyTty, kernelConsoles } from './serial-console.js';

const machines: FakeMachine[] = [];
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.remove()));
});

function lidarOn(path: string) {
  return fakeBoard({
    buses: [{ id: 'uart0', kind: 'serial', path }],
    devices: [{ id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' }],
  });
}

async function run(spec: FakeMachineSpec, path: string) {
  const created = await createFakeMachine(spec);
  machines.push(created);
  return checkSerialConsole(busesInUse(lidarOn(path)), created.host, spec.model);
}

/**
 * Kernel command lines of Raspberry Pi OS. With the serial console on, cmdline.txt says
 * console=serial0,115200 (the firmware may pass it on already resolved, console=ttyS0: both are
 * tested); the Pi 4's serial0 is the mini UART ttyS0 while Bluetooth has ttyAMA0 (Raspberry Pi
 * documentation, "Configure UARTs"). The Pi 5 boots with console=ttyAMA10, its debug connector, and
 * serial0 -> ttyAMA0 on GPIO 14/15.
 */
const PI4_SERIAL_CONSOLE =
  'coherent_pool=1M 8250.nr_uarts=1 snd_bcm2835.enable_headphones=0 console=serial0,115200 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait';
const PI5_DEFAULT =
  'reboot=w coherent_pool=1M 8250.nr_uarts=1 pci=pcie_bus_safe cgroup_disable=memory numa_policy=interleave console=ttyAMA10,115200 console=tty1 root=PARTUUID=2c2c2fc3-02 rootfstype=ext4 fsck.repair=yes rootwait';

describe('kernelConsoles and gettyTty', () => {
  it('reads every console= device and nothing else', () => {
    expect(kernelConsoles(PI4_SERIAL_CONSOLE)).toEqual(['serial0', 'tty1']);
    expect(kernelConsoles('root=/dev/mmcblk0p1 console=ttyTCU0,115200n8\n')).toEqual(['ttyTCU0']);
    expect(kernelConsoles('quiet splash')).toEqual([]);
  });

  it('reads the tty of a serial-getty unit', () => {
    expect(gettyTty('serial-getty@ttyTHS1.service')).toBe('ttyTHS1');
    expect(gettyTty('getty@tty1.service')).toBeUndefined();
  });
});

describe('checkSerialConsole', () => {
  it('finds the kernel console on the Pi 4 UART the lidar uses, through the serial0 link', async () => {
    const spec = {
      model: 'Raspberry Pi 4 Model B Rev 1.5',
      cmdline: PI4_SERIAL_CONSOLE,
      devices: [{ path: '/dev/ttyS0', gid: GID.dialout }],
      links: { '/dev/serial0': 'ttyS0' },
    };
    for (const path of ['/dev/ttyS0', '/dev/serial0']) {
      const [finding] = await run(spec, path);
      expect(finding?.status).toBe('problem');
      expect(finding?.what).toContain('/proc/cmdline has console=serial0');
      expect(finding?.fix[0]).toContain(
        'raspi-config -> Interface Options -> Serial Port -> login shell over serial: No',
      );
    }
  });

  it('matches a console the firmware already named (console=ttyS0)', async () => {
    const findings = await run(
      { cmdline: 'console=ttyS0,115200 console=tty1', devices: [{ path: '/dev/ttyS0', gid: GID.dialout }] },
      '/dev/ttyS0',
    );
    expect(findings.map((f) => f.status)).toEqual(['problem']);
  });

  it('is ok on a Pi 5 whose console is on the debug connector (ttyAMA10), not the header UART', async () => {
    const findings = await run(
      {
        model: 'Raspberry Pi 5 Model B Rev 1.0',
        cmdline: PI5_DEFAULT,
        devices: [{ path: '/dev/ttyAMA0', gid: GID.dialout }],
        links: { '/dev/serial0': 'ttyAMA0' },
      },
      '/dev/serial0',
    );
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      ['ok', 'no console or login prompt on /dev/serial0 (ttyAMA0), used by lidar'],
    ]);
  });

  it('finds an enabled serial-getty on a Jetson UART and gives the systemctl line', async () => {
    const [finding] = await run(
      {
        model: 'NVIDIA Jetson Orin Nano Developer Kit',
        cmdline: 'root=/dev/nvme0n1p1 rw rootwait console=ttyTCU0,115200 firmware_class.path=/etc/firmware',
        devices: [{ path: '/dev/ttyTHS1', gid: GID.dialout }],
        gettys: ['serial-getty@ttyTHS1.service', 'getty@tty1.service'],
      },
      '/dev/ttyTHS1',
    );
    expect(finding?.status).toBe('problem');
    expect(finding?.what).toContain('serial-getty@ttyTHS1.service');
    expect(finding?.fix).toEqual(['sudo systemctl disable --now serial-getty@ttyTHS1.service']);
  });

  it('takes a UART handed to group tty as held by a login prompt', async () => {
    const [finding] = await run({ devices: [{ path: '/dev/ttyTHS1', gid: GID.tty, mode: 0o620 }] }, '/dev/ttyTHS1');
    expect(finding?.status).toBe('problem');
    expect(finding?.what).toContain('belongs to group tty');
    expect(finding?.fix.join('\n')).toContain('/boot/extlinux/extlinux.conf');
  });

  it('is ok for a USB adapter with the console elsewhere', async () => {
    const [finding] = await run(
      {
        cmdline: PI4_SERIAL_CONSOLE,
        devices: [{ path: '/dev/ttyUSB0', gid: GID.dialout }],
        links: { '/dev/serial0': 'ttyS0' },
      },
      '/dev/ttyUSB0',
    );
    expect(finding?.status).toBe('ok');
  });
});
