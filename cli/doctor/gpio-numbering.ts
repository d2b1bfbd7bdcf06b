import { join } from 'node:path';
import type { GpiodChip } from '../../hal/transport/gpio/gpiod-cli-backend.js';
import { listSysfsGpioChips, type SysfsGpioChip } from '../../hal/transport/gpio/sysfs-gpio-chips.js';
import { TransportError } from '../../hal/transport/transport-error.js';
import type { BusInUse } from './board-usage.js';
import { listHostDir, type DoctorHost } from './doctor-host.js';
import { ok, problem, type Finding } from './finding.js';

/** How this kernel offers GPIO. */
export type GpioView =
  /** sysfs GPIO (`/sys/class/gpio`): lines are numbered from each chip's base; the onoff backend. */
  | { kind: 'sysfs'; chips: SysfsGpioChip[] }
  /**
   * No sysfs GPIO, only the character devices (`/dev/gpiochipN`), driven with the gpiod tools.
   * `chips` is what `gpiodetect` listed, or undefined with `chipsError` when it could not be run.
   */
  | { kind: 'chardev'; devices: string[]; chips: GpiodChip[] | undefined; chipsError: string | undefined }
  /** Neither. */
  | { kind: 'none'; reason: string };

/** The sysfs file the onoff backend writes to export a line. */
export const SYSFS_GPIO_EXPORT = '/sys/class/gpio/export';

/** What board a GPIO chip label means, for plain-words messages. */
const BOARD_BY_GPIO_LABEL: Readonly<Record<string, string>> = {
  'pinctrl-bcm2835': 'Raspberry Pi 3 or earlier',
  'pinctrl-bcm2711': 'Raspberry Pi 4',
  'pinctrl-rp1': 'Raspberry Pi 5',
  'tegra234-gpio': 'Jetson Orin',
  'tegra234-gpio-aon': 'Jetson Orin, always-on block',
};

/** Looks at `/sys/class/gpio`, then `/dev/gpiochip*` (and asks `gpiodetect` for their labels). */
export async function inspectGpio(host: DoctorHost): Promise<GpioView> {
  const devices = ((await listHostDir(host, '/dev')) ?? []).filter((name) => /^gpiochip\d+$/.test(name));
  try {
    const chips = await listSysfsGpioChips(join(host.root, 'sys'));
    // A /sys/class/gpio without gpiochipN entries is not the numbered interface onoff needs.
    if (chips.length > 0 || devices.length === 0) return { kind: 'sysfs', chips };
  } catch (cause) {
    if (!(cause instanceof TransportError) || cause.code !== 'ENOENT') {
      return { kind: 'none', reason: cause instanceof Error ? cause.message : String(cause) };
    }
  }
  if (devices.length === 0) {
    return { kind: 'none', reason: 'this kernel offers neither sysfs GPIO (/sys/class/gpio) nor /dev/gpiochip*' };
  }
  try {
    return { kind: 'chardev', devices, chips: await host.listGpioChips(), chipsError: undefined };
  } catch (cause) {
    return {
      kind: 'chardev',
      devices,
      chips: undefined,
      chipsError: cause instanceof Error ? cause.message : String(cause),
    };
  }
}

/** The file a GPIO bus needs to open: the sysfs export file, or the chip's character device; undefined when unknown. */
export function gpioDeviceFile(view: GpioView, chipLabel: string): string | undefined {
  if (view.kind === 'sysfs') return SYSFS_GPIO_EXPORT;
  if (view.kind === 'chardev') {
    const matches = view.chips?.filter((chip) => chip.label === chipLabel) ?? [];
    return matches.length === 1 && matches[0] ? `/dev/${matches[0].name}` : undefined;
  }
  return undefined;
}

function labelWithBoard(label: string): string {
  const board = BOARD_BY_GPIO_LABEL[label];
  return board ? `${label} (${board})` : label;
}

/**
 * For every GPIO bus in use: does a chip with its label exist, where do its lines land (the sysfs base,
 * which moved to 512 on Raspberry Pi kernels 6.6 and is 571 for the Pi 5's pinctrl-rp1), and is every
 * pin a line of that chip. Without sysfs GPIO it says so and checks the chips the gpiod tools list.
 */
export function checkGpioNumbering(uses: BusInUse[], file: string, view: GpioView): Finding[] {
  const gpioUses = uses.filter((use) => use.bus.kind === 'gpio');
  if (gpioUses.length === 0) return [];
  if (view.kind === 'none') {
    return [
      problem(
        'gpio-numbering',
        `no GPIO: ${view.reason}`,
        'run spinal doctor on the robot board itself; in a container, pass the GPIO devices in (--device /dev/gpiochip0)',
      ),
    ];
  }
  const findings: Finding[] = [];
  let chips: Array<{ name: string; label: string; lines: number; base?: number }>;
  if (view.kind === 'sysfs') {
    chips = view.chips.map((chip) => ({ name: chip.name, label: chip.label, lines: chip.ngpio, base: chip.base }));
  } else {
    findings.push(
      ok(
        'gpio-numbering',
        'this kernel has no sysfs GPIO (/sys/class/gpio): spinal drives GPIO through the character device (/dev/gpiochip*) with the gpiod tools',
      ),
    );
    if (!view.chips) {
      findings.push(
        problem(
          'gpio-numbering',
          `the gpiod tools could not list the GPIO chips: ${view.chipsError ?? 'unknown error'}`,
          'install the gpiod tools (version 1.6): sudo apt install gpiod',
        ),
      );
      return findings;
    }
    chips = view.chips;
  }
  for (const use of gpioUses) {
    if (use.bus.kind !== 'gpio') continue;
    const label = use.bus.chipLabel;
    const field = `buses[${use.index}].chipLabel`;
    const matches = chips.filter((chip) => chip.label === label);
    const [chip] = matches;
    if (!chip) {
      const found = chips.map((c) => `${c.label} (${c.name})`).join(', ') || 'none';
      const known = chips.find((c) => BOARD_BY_GPIO_LABEL[c.label] !== undefined && !c.label.endsWith('-aon'));
      findings.push(
        problem(
          'gpio-numbering',
          `no GPIO chip is labelled "${label}" (${field} in ${file}); this board has: ${found}`,
          known
            ? `set ${field} to "${known.label}", the header's GPIO chip on a ${BOARD_BY_GPIO_LABEL[known.label]}`
            : `set ${field} to the label of the chip the devices are wired to (one of those above)`,
        ),
      );
      continue;
    }
    if (matches.length > 1) {
      findings.push(
        problem(
          'gpio-numbering',
          `several GPIO chips are labelled "${label}" (${matches.map((c) => c.name).join(', ')}); spinal cannot tell which one ${field} means`,
          'wire the devices to a chip with a unique label and name that one',
        ),
      );
      continue;
    }
    const pins: string[] = [];
    for (const { device, index } of use.devices) {
      for (const [name, line] of Object.entries(device.pins ?? {})) {
        if (line >= chip.lines) {
          findings.push(
            problem(
              'gpio-numbering',
              `devices[${index}].pins.${name} = ${line} is not a line of ${label}, which has lines 0..${chip.lines - 1}`,
              `set devices[${index}].pins.${name} in ${file} to the line offset on ${label} (on a Raspberry Pi, the BCM GPIO number)`,
            ),
          );
        } else {
          pins.push(
            chip.base === undefined
              ? `${device.id}.${name} is line ${line}`
              : `${device.id}.${name} (line ${line}) is sysfs GPIO ${chip.base + line}`,
          );
        }
      }
    }
    const where =
      chip.base === undefined
        ? `${labelWithBoard(label)} is /dev/${chip.name} with ${chip.lines} lines`
        : `${labelWithBoard(label)} is at sysfs base ${chip.base}`;
    const detail = pins.length > 0 ? `; here ${pins.join(', ')}` : '';
    findings.push(ok('gpio-numbering', `${where}: board configs name lines, not raw numbers${detail}`));
  }
  return findings;
}
