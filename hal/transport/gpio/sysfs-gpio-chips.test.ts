import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../transport-error.js';
import { listSysfsGpioChips, NO_SYSFS_GPIO_MESSAGE, resolveSysfsGpioNumber } from './sysfs-gpio-chips.js';

type ChipFixture = { label: string; base: number; ngpio: number };

/**
 * Chip tables as the boards report them (`/sys/class/gpio/gpiochip*`, `/sys/kernel/debug/gpio`):
 * - Pi 4, Raspberry Pi OS kernel 6.1: pinctrl-bcm2711 at 0 (58 lines), raspberrypi-exp-gpio at 504.
 * - Pi 4, kernel 6.6: the same chips moved up to 512 and 570 (raspberrypi/linux#6037, fivdi/onoff#199).
 * - Pi 5, kernel 6.6.20: four gpio-brcmstb chips at 512..570, pinctrl-rp1 at 571 (54 lines)
 *   (WiringPi/WiringPi#280, raspberrypi/linux#6037).
 * - Jetson Orin: tegra234-gpio at 348 (GPIOs 348..511), tegra234-gpio-aon at 316 (316..347), as in NVIDIA's
 *   "Calculating GPIO Index in Linux" (DRIVE OS 6.0 Linux SDK).
 */
const PI4_KERNEL_61: ChipFixture[] = [
  { label: 'pinctrl-bcm2711', base: 0, ngpio: 58 },
  { label: 'raspberrypi-exp-gpio', base: 504, ngpio: 8 },
];
const PI4_KERNEL_66: ChipFixture[] = [
  { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
  { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
];
const PI5_KERNEL_66: ChipFixture[] = [
  { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
  { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 4 },
  { label: 'gpio-brcmstb@107d517c00', base: 548, ngpio: 17 },
  { label: 'gpio-brcmstb@107d517c20', base: 565, ngpio: 6 },
  { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
];
const JETSON_ORIN: ChipFixture[] = [
  { label: 'tegra234-gpio', base: 348, ngpio: 164 },
  { label: 'tegra234-gpio-aon', base: 316, ngpio: 32 },
];

const roots: string[] = [];

/** A fake sysfs root holding `class/gpio/gpiochipN/{label,base,ngpio}` for each chip. */
async function fakeSysfs(chips: ChipFixture[] | null): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'spinal-sysfs-'));
  roots.push(root);
  if (chips === null) return root;
  const gpioDir = join(root, 'class', 'gpio');
  await mkdir(gpioDir, { recursive: true });
  await writeFile(join(gpioDir, 'export'), '');
  await writeFile(join(gpioDir, 'unexport'), '');
  for (const chip of chips) {
    const chipDir = join(gpioDir, `gpiochip${chip.base}`);
    await mkdir(chipDir);
    await writeFile(join(chipDir, 'label'), `${chip.label}\n`);
    await writeFile(join(chipDir, 'base'), `${chip.base}\n`);
    await writeFile(join(chipDir, 'ngpio'), `${chip.ngpio}\n`);
  }
  return root;
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

describe('resolveSysfsGpioNumber', () => {
  it('maps a Pi 4 line on an old kernel (base 0) to the line itself', async () => {
    const root = await fakeSysfs(PI4_KERNEL_61);
    expect(await resolveSysfsGpioNumber('pinctrl-bcm2711', 17, root)).toBe(17);
  });

  it('adds the base 512 of a Pi 4 on kernel 6.6', async () => {
    const root = await fakeSysfs(PI4_KERNEL_66);
    expect(await resolveSysfsGpioNumber('pinctrl-bcm2711', 17, root)).toBe(529);
  });

  it('finds pinctrl-rp1 at base 571 among the Pi 5 chips', async () => {
    const root = await fakeSysfs(PI5_KERNEL_66);
    expect(await resolveSysfsGpioNumber('pinctrl-rp1', 17, root)).toBe(588);
    expect(await resolveSysfsGpioNumber('pinctrl-rp1', 0, root)).toBe(571);
  });

  it('tells the two Jetson Orin chips apart', async () => {
    const root = await fakeSysfs(JETSON_ORIN);
    expect(await resolveSysfsGpioNumber('tegra234-gpio', 144, root)).toBe(492);
    expect(await resolveSysfsGpioNumber('tegra234-gpio-aon', 5, root)).toBe(321);
  });

  it('says the kernel has no sysfs GPIO when /sys/class/gpio is absent', async () => {
    const root = await fakeSysfs(null);
    const error = await rejection(resolveSysfsGpioNumber('pinctrl-rp1', 17, root));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toBe(`ENOENT: ${NO_SYSFS_GPIO_MESSAGE}`);
    expect(error.message).toContain('use the character-device backend');
  });

  it('lists the labels it found when the chip label is unknown', async () => {
    const root = await fakeSysfs(PI4_KERNEL_66);
    const error = await rejection(resolveSysfsGpioNumber('pinctrl-rp1', 17, root));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('"pinctrl-rp1"');
    expect(error.message).toContain('pinctrl-bcm2711 (gpiochip512)');
    expect(error.message).toContain('raspberrypi-exp-gpio (gpiochip570)');
  });

  it('says "none" when sysfs GPIO exists but holds no chip', async () => {
    const root = await fakeSysfs([]);
    const error = await rejection(resolveSysfsGpioNumber('pinctrl-bcm2711', 4, root));
    expect(error.message).toContain('found: none');
  });

  it('rejects a line beyond the end of the chip', async () => {
    const root = await fakeSysfs(PI4_KERNEL_66);
    const error = await rejection(resolveSysfsGpioNumber('raspberrypi-exp-gpio', 8, root));
    expect(error.code).toBe('EINVAL');
    expect(error.message).toContain('0..7');
    expect((await rejection(resolveSysfsGpioNumber('pinctrl-bcm2711', -1, root))).code).toBe('EINVAL');
  });
});

describe('listSysfsGpioChips', () => {
  it('reads label, base and line count, sorted by base', async () => {
    const root = await fakeSysfs(JETSON_ORIN);
    expect(await listSysfsGpioChips(root)).toEqual([
      { name: 'gpiochip316', label: 'tegra234-gpio-aon', base: 316, ngpio: 32 },
      { name: 'gpiochip348', label: 'tegra234-gpio', base: 348, ngpio: 164 },
    ]);
  });

  it('ignores exported lines and control files next to the chips', async () => {
    const root = await fakeSysfs(PI5_KERNEL_66);
    await mkdir(join(root, 'class', 'gpio', 'gpio588'));
    const chips = await listSysfsGpioChips(root);
    expect(chips.map((chip) => chip.base)).toEqual([512, 544, 548, 565, 571]);
  });
});
