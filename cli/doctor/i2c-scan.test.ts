import { afterEach, describe, expect, it } from 'vitest';
import { busesInUse } from './board-usage.js';
import { deviceFilesInUse } from './device-files.js';
import { createFakeMachine, fakeBoard, type FakeMachine, type FakeMachineSpec } from './fake-machine.js';
import { createI2cProber, i2cBusNumber, parseI2cdetectOutput, type ScanningI2cBusModule } from './i2c-prober.js';
import { checkI2cScan } from './i2c-scan.js';

const machines: FakeMachine[] = [];
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.remove()));
});

/**
 * `i2cdetect -y 1` on a Raspberry Pi with the Adafruit DC & Stepper Motor HAT (PCA9685 at 0x60, which
 * also answers its All Call address 0x70) and an INA219 whose address a kernel driver (the ina2xx
 * hwmon overlay) holds at 0x40. Layout per i2c-tools tools/i2cdetect.c `scan_i2c_bus`: header row,
 * then `XY: ` and 16 three-character cells; blank cells outside the default range 0x08..0x77.
 */
const I2CDETECT_HAT_AND_KERNEL_INA219 = [
  '     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f',
  '00:                         -- -- -- -- -- -- -- -- ',
  '10: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '20: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '30: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '40: UU -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '50: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '60: 60 -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ',
  '70: 70 -- -- -- -- -- -- --                         ',
  '',
].join('\n');

const BOARD = fakeBoard({
  buses: [{ id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' }],
  devices: [
    { id: 'motors', compatible: 'adafruit,dc-motor-hat', bus: 'i2c1' },
    { id: 'imu', compatible: 'invensense,mpu6050', bus: 'i2c1' },
  ],
});

async function run(spec: FakeMachineSpec, board = BOARD) {
  const created = await createFakeMachine({ devices: [{ path: '/dev/i2c-1' }], ...spec });
  machines.push(created);
  const uses = busesInUse(board);
  const present = deviceFilesInUse(uses, undefined).filter((f) =>
    (spec.devices ?? [{ path: '/dev/i2c-1' }]).some((d) => d.path === f.path),
  );
  return checkI2cScan(uses, present, 'board.yaml', created.host);
}

describe('parseI2cdetectOutput', () => {
  it('reads answering and kernel-held addresses from the table', () => {
    expect(parseI2cdetectOutput(I2CDETECT_HAT_AND_KERNEL_INA219)).toEqual({
      answering: [0x60, 0x70],
      claimedByKernel: [0x40],
    });
  });

  it('finds nothing in an error message', () => {
    expect(parseI2cdetectOutput("Error: Could not open file `/dev/i2c-1': Permission denied\n")).toEqual({
      answering: [],
      claimedByKernel: [],
    });
  });
});

describe('createI2cProber', () => {
  it('scans with i2c-bus over the i2cdetect range and closes the bus', async () => {
    const calls: string[] = [];
    const module: ScanningI2cBusModule = {
      async openPromisified(busNumber) {
        calls.push(`open ${busNumber}`);
        return {
          async scan(first, last) {
            calls.push(`scan ${first}..${last}`);
            return [0x70, 0x60];
          },
          async close() {
            calls.push('close');
          },
        };
      },
    };
    const probe = createI2cProber({
      loadI2cBus: async () => module,
      run: async () => Promise.reject(new Error('unused')),
    });
    expect(await probe('/dev/i2c-1')).toEqual({ answering: [0x60, 0x70], claimedByKernel: [], method: 'i2c-bus' });
    expect(calls).toEqual(['open 1', 'scan 8..119', 'close']);
  });

  it('falls back to i2cdetect -y N when i2c-bus will not load', async () => {
    const runs: string[][] = [];
    const probe = createI2cProber({
      loadI2cBus: async () =>
        Promise.reject(Object.assign(new Error("Cannot find package 'i2c-bus'"), { code: 'ERR_MODULE_NOT_FOUND' })),
      run: async (command, args) => {
        runs.push([command, ...args]);
        return { code: 0, stdout: I2CDETECT_HAT_AND_KERNEL_INA219, stderr: '' };
      },
    });
    const result = await probe('/dev/i2c-1');
    expect(runs).toEqual([['i2cdetect', '-y', '1']]);
    expect(result).toEqual({ answering: [0x60, 0x70], claimedByKernel: [0x40], method: 'i2cdetect' });
  });

  it('says plainly when neither is available', async () => {
    const probe = createI2cProber({
      loadI2cBus: async () => Promise.reject(new Error('no i2c-bus')),
      run: async () => Promise.reject(Object.assign(new Error('spawn i2cdetect ENOENT'), { code: 'ENOENT' })),
    });
    await expect(probe('/dev/i2c-1')).rejects.toThrow(
      'the i2c-bus package is not installed and i2cdetect is not found',
    );
  });

  it('takes only /dev/i2c-N paths', () => {
    expect(i2cBusNumber('/dev/i2c-7')).toBe(7);
    expect(() => i2cBusNumber('/dev/ttyUSB0')).toThrow('/dev/i2c-1');
  });
});

describe('checkI2cScan', () => {
  it('lists what answers and confirms each device at its address', async () => {
    const findings = await run({
      i2c: { '/dev/i2c-1': { answering: [0x60, 0x68, 0x70], claimedByKernel: [], method: 'i2c-bus' } },
    });
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      ['ok', "on /dev/i2c-1 these addresses answer (i2c-bus): 0x60, 0x68, 0x70 (0x70: the PCA9685's All Call address)"],
      ['ok', 'motors (adafruit,dc-motor-hat) answers at 0x60 on /dev/i2c-1'],
      ['ok', 'imu (invensense,mpu6050) answers at 0x68 on /dev/i2c-1'],
    ]);
  });

  it('says a silent device does not answer, and suggests the stranger that does', async () => {
    const findings = await run({
      i2c: { '/dev/i2c-1': { answering: [0x60, 0x69, 0x70], claimedByKernel: [], method: 'i2c-bus' } },
    });
    const imu = findings.find((f) => f.what.startsWith('imu'));
    expect(imu?.status).toBe('problem');
    expect(imu?.what).toBe('imu (invensense,mpu6050) does not answer at 0x68 on /dev/i2c-1');
    expect(imu?.fix).toEqual([
      'check its power, ground and the SDA/SCL wiring',
      'if the device at 0x69 is imu, set devices[1].address: 0x69 in board.yaml',
    ]);
  });

  it("says a kernel driver holds a device's address", async () => {
    const board = fakeBoard({
      buses: [{ id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' }],
      devices: [{ id: 'battery', compatible: 'ti,ina219', bus: 'i2c1' }],
    });
    const findings = await run(
      { i2c: { '/dev/i2c-1': { ...parseI2cdetectOutput(I2CDETECT_HAT_AND_KERNEL_INA219), method: 'i2cdetect' } } },
      board,
    );
    expect(findings[0]?.what).toContain('held by a kernel driver: 0x40');
    expect(findings[1]?.status).toBe('problem');
    expect(findings[1]?.what).toBe(
      'a kernel driver holds 0x40 on /dev/i2c-1 (i2cdetect shows UU), so spinal cannot talk to battery (ti,ina219)',
    );
  });

  it('warns, without failing, when the bus cannot be scanned', async () => {
    const findings = await run({
      i2c: { '/dev/i2c-1': new Error('the i2c-bus package is not installed and i2cdetect is not found') },
    });
    expect(findings.map((f) => f.status)).toEqual(['warn']);
    expect(findings[0]?.fix[0]).toContain('sudo apt install i2c-tools');
  });

  it('points at the group problem when the scan is refused', async () => {
    const findings = await run({ i2c: { '/dev/i2c-1': new Error("EACCES, Permission denied '/dev/i2c-1'") } });
    expect(findings[0]?.fix).toEqual(['fix the group problem above, then run spinal doctor again']);
  });

  it('does not scan a bus whose device file is missing', async () => {
    const findings = await run({ devices: [], i2c: {} });
    expect(findings).toEqual([]);
  });
});
