/**
 * Every transport failure is one of these: a code (the errno name where the OS gave one) and a
 * message. Drivers turn them into device health; they never escape as uncaught exceptions.
 */
export type TransportErrorCode =
  | 'ENOENT' // no such device file
  | 'EACCES' // permission denied (group membership)
  | 'EBUSY' // already open elsewhere
  | 'ENXIO' // device went away (USB unplugged)
  | 'EBADF' // handle no longer valid
  | 'EIO' // bus-level I/O error
  | 'EREMOTEIO' // I2C: no acknowledge from the addressed device
  | 'ETIMEDOUT' // no answer in time
  | 'ECLOSED' // used after close
  | 'EINVAL' // bad argument (address out of range, unsupported baud rate)
  | 'EUNKNOWN';

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
    const known: readonly TransportErrorCode[] = [
      'ENOENT',
      'EACCES',
      'EBUSY',
      'ENXIO',
      'EBADF',
      'EIO',
      'EREMOTEIO',
      'ETIMEDOUT',
      'EINVAL',
    ];
    const code = (known as readonly string[]).includes(raw) ? (raw as TransportErrorCode) : 'EUNKNOWN';
    const message = typeof err?.message === 'string' ? err.message : String(cause);
    return new TransportError(code, `${context}: ${message}`);
  }
}
