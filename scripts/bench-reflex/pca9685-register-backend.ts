import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import { Pca9685Registers, decodeTb6612, type Tb6612PinMap } from '../../hal/motor/pca9685-tb6612/codec.js';
import type { I2cBackend, I2cBus } from '../../hal/transport/i2c/api.js';
import { TransportError } from '../../hal/transport/transport-error.js';

/** What a {@link Pca9685RegisterBackend} watches: the HAT's pin map and the motors that drive the wheels. */
export interface WatchedMotors {
  /** Bus path the HAT sits on, e.g. `/dev/i2c-1`. */
  busPath: string;
  /** The HAT's 7-bit address, e.g. 0x60. */
  address: number;
  pinMap: Tb6612PinMap;
  /** Motors whose bridges must all read brake for the robot to count as stopped, e.g. `['M1', 'M2']`. */
  motors: string[];
}

/**
 * An I2C bus with one PCA9685 on it, held as the chip's register file (the simulator's model of
 * the chip, from the codec). Every write transaction lands in the registers at once; after each,
 * the watched TB6612 bridges are decoded from the chip's outputs, and the moment they all first
 * read `brake` is stamped with `performance.now()` taken as that write arrived: the stop write is on the wire. Transactions
 * complete at once (a real 400 kHz bus takes about 0.3 ms for the 13-byte write of one bridge).
 */
export class Pca9685RegisterBackend implements I2cBackend {
  readonly kind = 'pca9685-registers';
  readonly registers = new Pca9685Registers();
  private braked = false;
  private readonly brakeListeners: Array<(atMs: number) => void> = [];
  private writes = 0;

  constructor(private readonly watched: WatchedMotors) {}

  async open(path: string): Promise<I2cBus> {
    if (path !== this.watched.busPath) throw new TransportError('ENOENT', `no such bus ${path}`);
    const check = (address: number): void => {
      if (address !== this.watched.address)
        throw new TransportError('EREMOTEIO', `no acknowledge from 0x${address.toString(16)}`);
    };
    return {
      path,
      write: async (address, bytes) => {
        check(address);
        this.apply(bytes);
      },
      read: async (address, length) => {
        check(address);
        return this.registers.readFromPointer(length);
      },
      writeRead: async (address, bytes, readLength) => {
        check(address);
        this.apply(bytes);
        return this.registers.readFromPointer(readLength);
      },
      close: async () => undefined,
    };
  }

  /** Called with `performance.now()` each time the watched bridges go from not all braked to all braked. */
  onBrake(listener: (atMs: number) => void): void {
    this.brakeListeners.push(listener);
  }

  /** The watched bridges' state as the chip's outputs show it now. */
  outputs(): BridgeOutputState[] {
    return this.watched.motors.map((motor) => decodeTb6612(this.registers, this.watched.pinMap, motor));
  }

  /** True when every watched bridge is driving (forward or reverse). */
  driving(): boolean {
    return this.outputs().every((output) => output.mode === 'drive');
  }

  /** Write transactions so far. */
  writeCount(): number {
    return this.writes;
  }

  private apply(bytes: Uint8Array): void {
    const atMs = performance.now();
    this.registers.write(bytes);
    this.writes++;
    const braked = this.outputs().every((output) => output.mode === 'brake');
    if (braked && !this.braked) {
      for (const listener of this.brakeListeners) listener(atMs);
    }
    this.braked = braked;
  }
}
