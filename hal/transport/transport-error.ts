/**
 * Every transport failure is one of these: a code (the errno name where the OS gave one) and a
 * message. Drivers turn them into device health; they never escape as uncaught exceptions.
 */
export const TRANSPORT_ERROR_CODES = [
  'ENOENT', // no such device file
  'EACCES', // permission denied (group membership)
  'EBUSY', // already open elsewhere
  'ENXIO', // device went away (USB unplugged)
  'EBADF', // handle no longer valid
  'EIO', // bus-level I/O error
  'EREMOTEIO', // I2C: no acknowledge from the addressed device
  'ETIMEDOUT', // no answer in time
  'ECLOSED', // used after close
  'EINVAL', // bad argument (address out of range, unsupported baud rate)
  'EUNKNOWN',
] as const;

export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

/** The codes a native library reports by errno name, which {@link TransportError.from} keeps. */
const ERRNO_CODES: ReadonlySet<string> = new Set(
  TRANSPORT_ERROR_CODES.filter((code) => code !== 'ECLOSED' && code !== 'EUNKNOWN'),
);

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }

  /** Wraps anything thrown by a native library, keeping its errno code when it has one. */
  static from(cause: unknown, context: string): TransportError {
    if (cause instanceof TransportError) return cause;
    const err = cause as { code?: unknown; message?: unknown } | undefined;
    const raw = typeof err?.code === 'string' ? err.code : '';
    const code = ERRNO_CODES.has(raw) ? (raw as TransportErrorCode) : 'EUNKNOWN';
    const message = typeof err?.message === 'string' ? err.message : String(cause);
    return new TransportError(code, `${context}: ${message}`);
  }
}

/**
 * Whether a failed call says that the open handle is no good any more, on any transport: the
 * device or its bus went away (ENXIO, ENOENT: a USB adapter pulled out, a bus that is gone), or
 * the handle was closed under the caller (EBADF, ECLOSED). The caller closes it and opens again,
 * with backoff. This and {@link isRetryableI2cError} are the one place that sorts the codes.
 */
export function isDeviceGone(error: TransportError): boolean {
  return DEVICE_GONE.has(error.code);
}

/**
 * Whether a failed serial write means the device is gone: as {@link isDeviceGone}, and EIO too,
 * which a USB-serial adapter gives on the writes after it is pulled out.
 */
export function isSerialDeviceGone(error: TransportError): boolean {
  return error.code === 'EIO' || isDeviceGone(error);
}

/**
 * Whether a failed I2C transaction is worth repeating at once: a glitch on the bus (EIO) or a
 * missed acknowledge (EREMOTEIO). ETIMEDOUT is not: the adapter has already waited out its own
 * timeout, and repeating would hold the bus that much longer.
 */
export function isRetryableI2cError(error: TransportError): boolean {
  return error.code === 'EIO' || error.code === 'EREMOTEIO';
}

const DEVICE_GONE: ReadonlySet<TransportErrorCode> = new Set(['ENXIO', 'ENOENT', 'EBADF', 'ECLOSED']);
