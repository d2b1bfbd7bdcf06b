import { describe, expect, it } from 'vitest';
import { checkRoboclawAddress } from '../../motor/roboclaw/codec.js';
import { checkI2cAddress } from './api.js';

describe('address messages are written in hex, as datasheets and i2cdetect write them', () => {
  it('names an out-of-range I2C address in hex', () => {
    expect(() => checkI2cAddress(0x78)).toThrow('I2C address must be an integer in 0x8..0x77, got 0x78');
    expect(() => checkI2cAddress(1.5)).toThrow(/got 1\.5$/);
    expect(() => checkI2cAddress(0x40)).not.toThrow();
  });

  it('names an out-of-range RoboClaw address in hex', () => {
    expect(() => checkRoboclawAddress(0x88)).toThrow('a RoboClaw address is 0x80..0x87, got 0x88');
  });
});
