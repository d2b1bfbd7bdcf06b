import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import { TransportError } from '../transport-error.js';

const log = createDebug('spinal:hal:sysfs-gpio-chips');

/** Where sysfs is mounted on a real board. */
export const DEFAULT_SYSFS_ROOT = '/sys';

/** What the kernel says when sysfs GPIO is compiled out (recent Raspberry Pi OS kernels, for one). */
export const NO_SYSFS_GPIO_MESSAGE =
  'this kernel has no sysfs GPIO (/sys/class/gpio); use the character-device backend';

/**
 * One GPIO chip as sysfs shows it (`/sys/class/gpio/gpiochipN/{label,base,ngpio}`, kernel
 * Documentation/ABI/obsolete/sysfs-gpio).
 */
export interface SysfsGpioChip {
  /** Directory name, e.g. `gpiochip571`. */
  name: string;
  /** Driver label, e.g. `pinctrl-bcm2711`, `pinctrl-rp1`, `tegra234-gpio`. */
  label: string;
  /** sysfs number of the chip's line 0. */
  base: number;
  /** Number of lines on the chip. */
  ngpio: number;
}

/**
 * The GPIO chips under `<sysfsRoot>/class/gpio`, sorted by base.
 * Rejects with TransportError ENOENT ({@link NO_SYSFS_GPIO_MESSAGE}) when the kernel has no sysfs GPIO.
 * @param sysfsRoot where sysfs is mounted; default `/sys`.
 */
export async function listSysfsGpioChips(sysfsRoot: string = DEFAULT_SYSFS_ROOT): Promise<SysfsGpioChip[]> {
  const gpioDir = join(sysfsRoot, 'class', 'gpio');
  let names: string[];
  try {
    names = await readdir(gpioDir);
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ENOENT') throw new TransportError('ENOENT', NO_SYSFS_GPIO_MESSAGE);
    throw TransportError.from(cause, `read ${gpioDir}`);
  }
  const chips: SysfsGpioChip[] = [];
  for (const name of names.filter((entry) => /^gpiochip\d+$/.test(entry))) {
    const chipDir = join(gpioDir, name);
    try {
      const read = async (attribute: string): Promise<string> =>
        (await readFile(join(chipDir, attribute), 'utf8')).trim();
      const [label, base, ngpio] = await Promise.all([read('label'), read('base'), read('ngpio')]);
      const chip = { name, label, base: Number(base), ngpio: Number(ngpio) };
      if (Number.isInteger(chip.base) && Number.isInteger(chip.ngpio)) chips.push(chip);
      else log('skipping %s: base %j, ngpio %j are not integers', chipDir, base, ngpio);
    } catch (cause) {
      throw TransportError.from(cause, `read ${chipDir}`);
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/**
 * The sysfs GPIO number of line `line` on the chip labelled `chipLabel`: the chip's base plus the line.
 * The base differs between boards and kernels (a Pi 4 line 17 is 17 on kernel 6.1 and 529 on 6.6), which
 * is why board configs name the chip and never hold a sysfs number.
 * Rejects with TransportError ENOENT (no sysfs GPIO, or no chip with that label: the message lists the
 * labels found) or EINVAL (line outside the chip, label shared by several chips).
 * @param sysfsRoot where sysfs is mounted; default `/sys`.
 */
export async function resolveSysfsGpioNumber(
  chipLabel: string,
  line: number,
  sysfsRoot: string = DEFAULT_SYSFS_ROOT,
): Promise<number> {
  const chips = await listSysfsGpioChips(sysfsRoot);
  const matches = chips.filter((chip) => chip.label === chipLabel);
  const [chip] = matches;
  if (!chip) {
    const found = chips.map((c) => `${c.label} (${c.name})`).join(', ') || 'none';
    throw new TransportError('ENOENT', `no GPIO chip labelled "${chipLabel}" in /sys/class/gpio; found: ${found}`);
  }
  if (matches.length > 1) {
    const names = matches.map((c) => c.name).join(', ');
    throw new TransportError('EINVAL', `several GPIO chips are labelled "${chipLabel}" (${names})`);
  }
  if (!Number.isInteger(line) || line < 0 || line >= chip.ngpio) {
    throw new TransportError('EINVAL', `line ${line} is outside ${chipLabel}, which has lines 0..${chip.ngpio - 1}`);
  }
  const sysfsNumber = chip.base + line;
  log('%s line %d is sysfs GPIO %d (%s)', chipLabel, line, sysfsNumber, chip.name);
  return sysfsNumber;
}
