import { describe, expect, it } from 'vitest';
import {
  TransportError,
  isDeviceGone,
  isRetryableI2cError,
  isSerialDeviceGone,
  TRANSPORT_ERROR_CODES,
  type TransportErrorCode,
} from './transport-error.js';

const codesWhere = (test: (error: TransportError) => boolean): TransportErrorCode[] =>
  TRANSPORT_ERROR_CODES.filter((code) => test(new TransportError(code, 'x')));

describe('what a transport error means', () => {
  it('the device is gone when it or its bus went away, or the handle was closed under the caller', () => {
    expect(codesWhere(isDeviceGone)).toEqual(['ENOENT', 'ENXIO', 'EBADF', 'ECLOSED']);
  });

  it('a serial write that fails with EIO means the adapter is gone too', () => {
    expect(codesWhere(isSerialDeviceGone)).toEqual(['ENOENT', 'ENXIO', 'EBADF', 'EIO', 'ECLOSED']);
  });

  it('an I2C transaction is retried at once after a bus glitch or a missed acknowledge only', () => {
    expect(codesWhere(isRetryableI2cError)).toEqual(['EIO', 'EREMOTEIO']);
  });
});
