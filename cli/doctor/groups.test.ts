import { afterEach, describe, expect, it } from 'vitest';
import { busesInUse } from './board-usage.js';
import { deviceFilesInUse } from './device-files.js';
import { createFakeMachine, fakeBoard, GID, PI_USER, type FakeMachine, type FakeMachineSpec } from './fake-machine.js';
import { checkGroups, mayOpen, parseEtcGroup, permissionString } from './groups.js';
import { inspectGpio } from './gpio-numbering.js';

const machines: FakeMachine[] = [];
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.remove()));
});

const BOARD = fakeBoard({
  buses: [
    { id: 'uart0', kind: 'serial', path: '/dev/ttyUSB0' },
    { id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' },
  ],
  devices: [
    { id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' },
    { id: 'motors', compatible: 'adafruit,dc-motor-hat', bus: 'i2c1', address: 0x60 },
  ],
});

/** A user `robot` (uid 1001) whose session has only its own group. */
const ROBOT = { uid: 1001, name: 'robot', gids: [1001] };

async function run(spec: FakeMachineSpec, board = BOARD) {
  const created = await createFakeMachine(spec);
  machines.push(created);
  const uses = busesInUse(board);
  const gpio = uses.some((u) => u.bus.kind === 'gpio') ? await inspectGpio(created.host) : undefined;
  return checkGroups(deviceFilesInUse(uses, gpio), created.host);
}

/** Raspberry Pi OS device files: crw-rw---- root:dialout and root:i2c. */
const PI_DEVICES = [
  { path: '/dev/ttyUSB0', gid: GID.dialout, mode: 0o660 },
  { path: '/dev/i2c-1', gid: GID.i2c, mode: 0o660 },
];

describe('parseEtcGroup and permissions', () => {
  it('reads names, gids and members and skips malformed lines', () => {
    expect(parseEtcGroup('dialout:x:20:pi,robot\nbroken line\ni2c:x:998:\n')).toEqual([
      { name: 'dialout', gid: 20, members: ['pi', 'robot'] },
      { name: 'i2c', gid: 998, members: [] },
    ]);
  });

  it('decides as the kernel does: the owner class first, then the group, then others', () => {
    const file = { uid: 0, gid: GID.dialout, mode: 0o660 };
    expect(mayOpen(file, PI_USER, 'rw')).toBe(true);
    expect(mayOpen(file, ROBOT, 'rw')).toBe(false);
    expect(mayOpen({ uid: 1001, gid: 0, mode: 0o060 }, ROBOT, 'rw')).toBe(false);
    expect(mayOpen({ uid: 0, gid: GID.gpio, mode: 0o220 }, PI_USER, 'w')).toBe(true);
    expect(mayOpen({ uid: 0, gid: GID.gpio, mode: 0o220 }, PI_USER, 'rw')).toBe(false);
    expect(mayOpen({ uid: 0, gid: 0, mode: 0o600 }, { uid: 0, name: 'root', gids: [0] }, 'rw')).toBe(true);
    expect(permissionString(0o660)).toBe('rw-rw----');
  });
});

describe('checkGroups', () => {
  it("is ok when the session has the files' groups", async () => {
    const findings = await run({ devices: PI_DEVICES });
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      ['ok', '/dev/ttyUSB0 opens for user pi (group dialout)'],
      ['ok', '/dev/i2c-1 opens for user pi (group i2c)'],
    ]);
  });

  it('names the missing group and the usermod line when the user is not in it', async () => {
    const findings = await run({ devices: PI_DEVICES, user: ROBOT });
    expect(findings.map((f) => f.status)).toEqual(['problem', 'problem']);
    expect(findings[0]?.what).toBe(
      'user robot may not open /dev/ttyUSB0 (serial bus "uart0", used by lidar), group dialout, rw-rw----: the user is not in group dialout',
    );
    expect(findings[0]?.fix).toEqual(['sudo usermod -aG dialout $USER', 'then log out and back in (or reboot)']);
    expect(findings[1]?.fix[0]).toBe('sudo usermod -aG i2c $USER');
  });

  it('says to log in again when /etc/group has the user but the session does not', async () => {
    const findings = await run({ devices: PI_DEVICES, user: { ...PI_USER, gids: [1000, GID.i2c] } });
    expect(findings[0]?.status).toBe('problem');
    expect(findings[0]?.what).toContain(
      'user pi is in group dialout in /etc/group, but this login session started before that',
    );
    expect(findings[0]?.fix[0]).toContain('log out and back in');
    expect(findings[1]?.status).toBe('ok');
  });

  it('gives a udev rule for a device file only its owner may open', async () => {
    const findings = await run({
      devices: [
        { path: '/dev/ttyUSB0', gid: GID.dialout },
        { path: '/dev/i2c-1', gid: 0, mode: 0o600 },
      ],
    });
    expect(findings[1]?.status).toBe('problem');
    expect(findings[1]?.what).toContain('group root, rw-------: only its owner may');
    expect(findings[1]?.fix[0]).toContain('KERNEL=="i2c-[0-9]*", GROUP="i2c", MODE="0660"');
  });

  it('checks the export file of sysfs GPIO for writing', async () => {
    const board = fakeBoard({
      buses: [{ id: 'header', kind: 'gpio', chipLabel: 'pinctrl-bcm2711' }],
      devices: [{ id: 'estop', compatible: 'generic,estop', bus: 'header', pins: { input: 17 } }],
    });
    const spec = { sysfsGpio: [{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }] };
    expect((await run({ ...spec }, board))[0]?.what).toBe('/sys/class/gpio/export opens for user pi (group gpio)');
    const outsider = await run({ ...spec, user: ROBOT }, board);
    expect(outsider[0]?.fix[0]).toBe('sudo usermod -aG gpio $USER');
  });

  it('warns that root proves nothing about the service user', async () => {
    const findings = await run({ devices: PI_DEVICES, user: { uid: 0, name: 'root', gids: [0] } });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.status).toBe('warn');
    expect(findings[0]?.fix[0]).toContain('as the user that runs spinal run');
  });
});
