import { afterEach, describe, expect, it } from 'vitest';
import { busesInUse } from './board-usage.js';
import {
  createFakeMachine,
  fakeBoard,
  JETSON_ORIN_GPIO,
  PI4_KERNEL_66_GPIO,
  PI5_CHARDEV_GPIO,
  PI5_KERNEL_66_GPIO,
  type FakeMachine,
  type FakeMachineSpec,
} from './fake-machine.js';
import { checkGpioNumbering, inspectGpio } from './gpio-numbering.js';

const machines: FakeMachine[] = [];
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.remove()));
});

function estopOn(chipLabel: string, line = 17) {
  return fakeBoard({
    buses: [{ id: 'header', kind: 'gpio', chipLabel }],
    devices: [
      { id: 'estop', compatible: 'generic,estop', bus: 'header', pins: { input: line } },
      { id: 'bumper', compatible: 'generic,bumper', bus: 'header', pins: { left: 5, right: 6 }, enabled: false },
    ],
  });
}

async function run(spec: FakeMachineSpec, chipLabel: string, line = 17) {
  const created = await createFakeMachine(spec);
  machines.push(created);
  const view = await inspectGpio(created.host);
  return { view, findings: checkGpioNumbering(busesInUse(estopOn(chipLabel, line)), 'board.yaml', view) };
}

describe('checkGpioNumbering with sysfs GPIO', () => {
  it('gives the Pi 4 base on kernel 6.6 (512) and the sysfs number of each pin', async () => {
    const { findings } = await run({ sysfsGpio: PI4_KERNEL_66_GPIO }, 'pinctrl-bcm2711');
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      [
        'ok',
        'pinctrl-bcm2711 (Raspberry Pi 4) is at sysfs base 512: board configs name lines, not raw numbers; here estop.input (line 17) is sysfs GPIO 529',
      ],
    ]);
  });

  it('finds pinctrl-rp1 at base 571 among the Pi 5 chips', async () => {
    const { findings } = await run({ sysfsGpio: PI5_KERNEL_66_GPIO }, 'pinctrl-rp1');
    expect(findings[0]?.what).toContain('pinctrl-rp1 (Raspberry Pi 5) is at sysfs base 571');
    expect(findings[0]?.what).toContain('is sysfs GPIO 588');
  });

  it('tells the Jetson Orin chips apart', async () => {
    const { findings } = await run({ sysfsGpio: JETSON_ORIN_GPIO }, 'tegra234-gpio', 144);
    expect(findings[0]?.what).toContain('tegra234-gpio (Jetson Orin) is at sysfs base 348');
    expect(findings[0]?.what).toContain('(line 144) is sysfs GPIO 492');
  });

  it("names this board's header chip when the config names another board's", async () => {
    const { findings } = await run({ sysfsGpio: PI5_KERNEL_66_GPIO }, 'pinctrl-bcm2711');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.status).toBe('problem');
    expect(findings[0]?.what).toContain(
      'no GPIO chip is labelled "pinctrl-bcm2711" (buses[0].chipLabel in board.yaml)',
    );
    expect(findings[0]?.what).toContain('pinctrl-rp1 (gpiochip571)');
    expect(findings[0]?.fix).toEqual([
      'set buses[0].chipLabel to "pinctrl-rp1", the header\'s GPIO chip on a Raspberry Pi 5',
    ]);
  });

  it("refuses a pin beyond the chip's lines", async () => {
    const { findings } = await run({ sysfsGpio: PI4_KERNEL_66_GPIO }, 'raspberrypi-exp-gpio', 8);
    expect(findings[0]?.status).toBe('problem');
    expect(findings[0]?.what).toBe(
      'devices[0].pins.input = 8 is not a line of raspberrypi-exp-gpio, which has lines 0..7',
    );
  });
});

describe('checkGpioNumbering without sysfs GPIO', () => {
  it('says the character-device backend is used and where the chip is', async () => {
    const { view, findings } = await run({ gpiochips: PI5_CHARDEV_GPIO }, 'pinctrl-rp1');
    expect(view.kind).toBe('chardev');
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      [
        'ok',
        'this kernel has no sysfs GPIO (/sys/class/gpio): spinal drives GPIO through the character device (/dev/gpiochip*) with the gpiod tools',
      ],
      [
        'ok',
        'pinctrl-rp1 (Raspberry Pi 5) is /dev/gpiochip4 with 54 lines: board configs name lines, not raw numbers; here estop.input is line 17',
      ],
    ]);
  });

  it('takes a /sys/class/gpio without numbered chips as no sysfs GPIO when /dev/gpiochip* exist', async () => {
    const { view, findings } = await run({ sysfsGpio: [], gpiochips: PI5_CHARDEV_GPIO }, 'pinctrl-rp1');
    expect(view.kind).toBe('chardev');
    expect(findings.map((f) => f.status)).toEqual(['ok', 'ok']);
  });

  it('says to install the gpiod tools when they cannot list the chips', async () => {
    const { findings } = await run(
      {
        gpiochips: PI5_CHARDEV_GPIO,
        gpiodError: 'gpiodetect is not installed; install the gpiod tools: sudo apt install gpiod',
      },
      'pinctrl-rp1',
    );
    expect(findings[1]?.status).toBe('problem');
    expect(findings[1]?.fix).toEqual(['install the gpiod tools (version 1.6): sudo apt install gpiod']);
  });

  it('says there is no GPIO at all when neither interface exists', async () => {
    const { findings } = await run({}, 'pinctrl-rp1');
    expect(findings.map((f) => f.status)).toEqual(['problem']);
    expect(findings[0]?.what).toContain('neither sysfs GPIO (/sys/class/gpio) nor /dev/gpiochip*');
  });

  it('checks nothing when no GPIO bus is in use', async () => {
    const created = await createFakeMachine({});
    machines.push(created);
    const board = fakeBoard({
      buses: [{ id: 'uart0', kind: 'serial', path: '/dev/ttyUSB0' }],
      devices: [{ id: 'lidar', compatible: 'ldrobot,ld06', bus: 'uart0' }],
    });
    expect(checkGpioNumbering(busesInUse(board), 'board.yaml', await inspectGpio(created.host))).toEqual([]);
  });
});
