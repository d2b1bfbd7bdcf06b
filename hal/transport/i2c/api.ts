/** 7-bit I2C addresses that may be used by devices (0x08..0x77). */
export const I2C_MIN_ADDRESS = 0x08;
export const I2C_MAX_ADDRESS = 0x77;

/**
 * One open I2C bus (`/dev/i2c-N`). Every call is one bus transaction and rejects with a
 * TransportError (EREMOTEIO when the device does not acknowledge, EIO on a bus fault).
 */
export interface I2cBus {
  readonly path: string;
  /** One write transaction: START, address+W, bytes, STOP. */
  write(address: number, bytes: Uint8Array): Promise<void>;
  /** One read transaction of `length` bytes. */
  read(address: number, length: number): Promise<Uint8Array>;
  /** Write then read with a repeated START (register read: write the register number, read its value). */
  writeRead(address: number, bytes: Uint8Array, readLength: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A way to reach I2C buses: the real one wraps `i2c-bus`, the simulated one talks to the simulator. */
export interface I2cBackend {
  readonly kind: string;
  /** Opens a bus by path; rejects with a TransportError (ENOENT, EACCES). */
  open(path: string): Promise<I2cBus>;
}

/** Throws a RangeError for an address outside the usable 7-bit range. */
export function checkI2cAddress(address: number): void {
  if (!Number.isInteger(address) || address < I2C_MIN_ADDRESS || address > I2C_MAX_ADDRESS) {
    throw new RangeError(
      `I2C address must be an integer in 0x${I2C_MIN_ADDRESS.toString(16)}..0x${I2C_MAX_ADDRESS.toString(16)}, got ${Number.isInteger(address) ? `0x${address.toString(16)}` : address}`,
    );
  }
}
