import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { boardSchema, type BoardConfig } from '../../config/board-schema.js';
import type { GpiodChip } from '../../hal/transport/gpio/gpiod-cli-backend.js';
import { resolveHostLink, statFacts, type DoctorHost, type DoctorUser, type FileFacts } from './doctor-host.js';
import type { I2cScanResult } from './i2c-prober.js';

/**
 * A machine for the doctor's tests: a temporary directory laid out like `/` (device files, sysfs GPIO
 * chips, /proc/cmdline, /etc/group, systemd links) and the process facts of a user, so the checks run
 * against boards that are not here.
 */

/** A device file; owner, group and mode are what the doctor sees (the temp file's own are ignored). */
export interface FakeDeviceFile {
  path: string;
  uid?: number;
  gid?: number;
  /** Permission bits. Default 0o660. */
  mode?: number;
}

export interface FakeMachineSpec {
  /** `/proc/device-tree/model`. */
  model?: string;
  /** `/proc/cmdline`. */
  cmdline?: string;
  /** `/etc/group`. Default {@link PI_OS_ETC_GROUP}. */
  etcGroup?: string;
  user?: DoctorUser;
  devices?: FakeDeviceFile[];
  /** Symlinks, path -> target as udev writes them (relative: `serial0 -> ttyAMA0`). */
  links?: Record<string, string>;
  /** sysfs GPIO chips under /sys/class/gpio; null or absent: the kernel has no sysfs GPIO. */
  sysfsGpio?: Array<{ label: string; base: number; ngpio: number }> | null;
  /** Character-device chips: /dev/gpiochipN files, and what `gpiodetect` lists. */
  gpiochips?: GpiodChip[];
  /** When set, listing the chips fails with this message (the gpiod tools are missing). */
  gpiodError?: string;
  /** Enabled units in /etc/systemd/system/getty.target.wants. */
  gettys?: string[];
  /** What a scan of each I2C bus finds, or why it fails. */
  i2c?: Record<string, I2cScanResult | Error>;
}

/** Raspberry Pi OS bookworm's groups (gids as on a fresh image), with user `pi` in dialout, i2c and gpio. */
export const PI_OS_ETC_GROUP = [
  'root:x:0:',
  'tty:x:5:',
  'dialout:x:20:pi',
  'pi:x:1000:',
  'gpio:x:997:pi',
  'i2c:x:998:pi',
  '',
].join('\n');

/** User `pi` in a session that has its groups: pi, dialout, gpio, i2c. */
export const PI_USER: DoctorUser = { uid: 1000, name: 'pi', gids: [20, 997, 998, 1000] };

export const GID = { root: 0, tty: 5, dialout: 20, gpio: 997, i2c: 998 } as const;

/**
 * GPIO chip tables as the boards report them (see hal/transport/gpio/sysfs-gpio-chips.test.ts for the
 * sources): Pi 4 on kernel 6.6 (pinctrl-bcm2711 at 512), Pi 5 on kernel 6.6 (pinctrl-rp1 at 571),
 * Jetson Orin (tegra234-gpio at 348, tegra234-gpio-aon at 316).
 */
export const PI4_KERNEL_66_GPIO = [
  { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
  { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
];
export const PI5_KERNEL_66_GPIO = [
  { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
  { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 4 },
  { label: 'gpio-brcmstb@107d517c00', base: 548, ngpio: 17 },
  { label: 'gpio-brcmstb@107d517c20', base: 565, ngpio: 6 },
  { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
];
export const JETSON_ORIN_GPIO = [
  { label: 'tegra234-gpio', base: 348, ngpio: 164 },
  { label: 'tegra234-gpio-aon', base: 316, ngpio: 32 },
];
/** A Pi 5 on a kernel built without sysfs GPIO, as `gpiodetect` (libgpiod 1.6) lists it. */
export const PI5_CHARDEV_GPIO: GpiodChip[] = [
  { name: 'gpiochip0', label: 'gpio-brcmstb@107d508500', lines: 32 },
  { name: 'gpiochip1', label: 'gpio-brcmstb@107d508520', lines: 4 },
  { name: 'gpiochip2', label: 'gpio-brcmstb@107d517c00', lines: 17 },
  { name: 'gpiochip3', label: 'gpio-brcmstb@107d517c20', lines: 6 },
  { name: 'gpiochip4', label: 'pinctrl-rp1', lines: 54 },
];

export interface FakeMachine {
  host: DoctorHost;
  root: string;
  remove(): Promise<void>;
}

async function put(root: string, path: string, text: string): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** Lays out the fake root and returns a host over it. */
export async function createFakeMachine(spec: FakeMachineSpec): Promise<FakeMachine> {
  const root = await mkdtemp(join(tmpdir(), 'spinal-doctor-'));
  const owners = new Map<string, FileFacts>();
  if (spec.model !== undefined) await put(root, '/proc/device-tree/model', `${spec.model}\0`);
  await put(root, '/proc/cmdline', `${spec.cmdline ?? 'console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4'}\n`);
  await put(root, '/etc/group', spec.etcGroup ?? PI_OS_ETC_GROUP);
  await mkdir(join(root, 'dev'), { recursive: true });
  for (const device of spec.devices ?? []) {
    await put(root, device.path, '');
    owners.set(device.path, { uid: device.uid ?? 0, gid: device.gid ?? 0, mode: device.mode ?? 0o660 });
  }
  for (const [path, target] of Object.entries(spec.links ?? {})) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await symlink(target, join(root, path));
  }
  if (spec.sysfsGpio) {
    const gpioDir = '/sys/class/gpio';
    await put(root, `${gpioDir}/export`, '');
    owners.set(`${gpioDir}/export`, { uid: 0, gid: GID.gpio, mode: 0o220 });
    for (const chip of spec.sysfsGpio) {
      const chipDir = `${gpioDir}/gpiochip${chip.base}`;
      await put(root, `${chipDir}/label`, `${chip.label}\n`);
      await put(root, `${chipDir}/base`, `${chip.base}\n`);
      await put(root, `${chipDir}/ngpio`, `${chip.ngpio}\n`);
    }
  }
  for (const chip of spec.gpiochips ?? []) {
    await put(root, `/dev/${chip.name}`, '');
    if (!owners.has(`/dev/${chip.name}`)) owners.set(`/dev/${chip.name}`, { uid: 0, gid: GID.gpio, mode: 0o660 });
  }
  for (const unit of spec.gettys ?? []) {
    await mkdir(join(root, 'etc/systemd/system/getty.target.wants'), { recursive: true });
    await symlink(
      '/lib/systemd/system/serial-getty@.service',
      join(root, 'etc/systemd/system/getty.target.wants', unit),
    );
  }
  const host: DoctorHost = {
    root,
    user: spec.user ?? PI_USER,
    async stat(path) {
      if ((await statFacts(join(root, path))) === undefined) return undefined;
      const resolved = await resolveHostLink(host, path);
      return owners.get(resolved) ?? { uid: 0, gid: 0, mode: 0o644 };
    },
    async probeI2c(busPath) {
      const result = spec.i2c?.[busPath];
      if (result === undefined) throw new Error(`no scan result for ${busPath} in this fake machine`);
      if (result instanceof Error) throw result;
      return result;
    },
    async listGpioChips() {
      if (spec.gpiodError !== undefined) throw new Error(spec.gpiodError);
      return spec.gpiochips ?? [];
    },
  };
  return { host, root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** A board config with these buses and devices and a fixed small robot (what the checks ignore). */
export function fakeBoard(parts: { buses: unknown[]; devices: unknown[] }): BoardConfig {
  return boardSchema.parse({
    board: 'doctor-test',
    robot: {
      footprint: { lengthM: 0.3, widthM: 0.24 },
      wheelBaseM: 0.2,
      maxWheelSpeedMps: 0.5,
      drive: { left: 'motors.M1', right: 'motors.M2' },
      lidar: 'lidar',
    },
    buses: parts.buses,
    devices: parts.devices,
  });
}
