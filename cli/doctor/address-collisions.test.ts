import { describe, expect, it } from 'vitest';
import { checkAddressCollisions } from './address-collisions.js';
import { busesInUse } from './board-usage.js';
import { fakeBoard } from './fake-machine.js';
import { chipAddressing, effectiveI2cAddress } from './i2c-default-addresses.js';

function onI2c1(devices: unknown[]) {
  return busesInUse(fakeBoard({ buses: [{ id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' }], devices }));
}

describe('default I2C addresses', () => {
  it('knows the chips by the model part of their compatible string', () => {
    expect(chipAddressing('ti,ina219')?.defaultAddress).toBe(0x40);
    expect(chipAddressing('nxp,pca9685')?.defaultAddress).toBe(0x40);
    expect(chipAddressing('adafruit,dc-motor-hat')?.defaultAddress).toBe(0x60);
    expect(chipAddressing('invensense,mpu6050')?.defaultAddress).toBe(0x68);
    expect(chipAddressing('benewake,tfmini-s')?.defaultAddress).toBe(0x10);
    expect(chipAddressing('acme,mystery')).toBeUndefined();
  });

  it('takes the configured address over the default', () => {
    const board = fakeBoard({
      buses: [{ id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' }],
      devices: [{ id: 'battery', compatible: 'ti,ina219', bus: 'i2c1', address: 0x45 }],
    });
    expect(effectiveI2cAddress(board.devices[0]!)).toEqual({ address: 0x45, fromDefault: false });
  });
});

describe('checkAddressCollisions', () => {
  it('finds an INA219 and a PCA9685 both left at 0x40, with the jumpers to solder', () => {
    const findings = checkAddressCollisions(
      onI2c1([
        { id: 'battery', compatible: 'ti,ina219', bus: 'i2c1' },
        { id: 'servos', compatible: 'nxp,pca9685', bus: 'i2c1', address: 0x40 },
      ]),
      'board.yaml',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.status).toBe('problem');
    expect(findings[0]?.what).toBe(
      'battery (ti,ina219, its default) and servos (nxp,pca9685, devices[1].address) are both at 0x40 on /dev/i2c-1: they cannot share one address',
    );
    expect(findings[0]?.fix).toEqual([
      'give one of them another address:',
      'battery: solder its A0/A1 pads (0x40..0x4f), and set devices[0].address in board.yaml to match',
      'servos: solder its A0..A5 pads (0x40..0x7f), and set devices[1].address in board.yaml to match',
    ]);
  });

  it('is ok when every device has its own address, and lists them', () => {
    const findings = checkAddressCollisions(
      onI2c1([
        { id: 'battery', compatible: 'ti,ina219', bus: 'i2c1', address: 0x41 },
        { id: 'motors', compatible: 'adafruit,dc-motor-hat', bus: 'i2c1' },
        { id: 'imu', compatible: 'invensense,mpu6050', bus: 'i2c1' },
      ]),
      'board.yaml',
    );
    expect(findings.map((f) => [f.status, f.what])).toEqual([
      ['ok', 'no two devices share an address on /dev/i2c-1 (battery at 0x41, motors at 0x60, imu at 0x68)'],
    ]);
  });

  it('ignores disabled devices and devices on other buses', () => {
    const board = fakeBoard({
      buses: [
        { id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' },
        { id: 'i2c3', kind: 'i2c', path: '/dev/i2c-3' },
      ],
      devices: [
        { id: 'battery', compatible: 'ti,ina219', bus: 'i2c1' },
        { id: 'servos', compatible: 'nxp,pca9685', bus: 'i2c3' },
        { id: 'spare', compatible: 'nxp,pca9685', bus: 'i2c1', enabled: false },
      ],
    });
    expect(checkAddressCollisions(busesInUse(board), 'board.yaml').map((f) => f.status)).toEqual(['ok', 'ok']);
  });

  it('warns of a device at 0x70 next to a PCA9685, which answers there too', () => {
    const findings = checkAddressCollisions(
      onI2c1([
        { id: 'motors', compatible: 'adafruit,dc-motor-hat', bus: 'i2c1' },
        { id: 'mux', compatible: 'nxp,pca9548', bus: 'i2c1', address: 0x70 },
      ]),
      'board.yaml',
    );
    expect(findings.map((f) => f.status)).toEqual(['warn', 'ok']);
    expect(findings[0]?.what).toContain('mux at 0x70 shares /dev/i2c-1 with motors, a PCA9685');
  });

  it('warns when a device has no address and its chip is unknown', () => {
    const findings = checkAddressCollisions(
      onI2c1([{ id: 'thing', compatible: 'acme,mystery', bus: 'i2c1' }]),
      'board.yaml',
    );
    expect(findings.map((f) => f.status)).toEqual(['warn']);
    expect(findings[0]?.fix).toEqual(['set devices[0].address in board.yaml']);
  });
});
