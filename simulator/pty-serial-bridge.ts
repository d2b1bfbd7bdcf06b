import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import createDebug from 'debug';
import type { SimSerialDevice, SimWorldView } from './devices/sim-device.js';

const log = createDebug('spinal:sim:pty');

/**
 * Connects a simulated serial device to one end of a pseudo-terminal pair instead of the sim
 * link: its bytes go out on a real tty, and whatever the other end writes reaches the model. A
 * program at the other end (the robot's real `serialport` binding, or anything else) sees a
 * serial device like a real one.
 */
export class PtySerialBridge {
  private fd: number | null = null;
  private reader: ReadStream | null = null;
  private nowUs = 0;
  /** Bytes the model produced (counted for tests and logs). */
  bytesOut = 0;
  bytesIn = 0;
  /** Bytes lost because nobody read the other end (a UART overrun: the device keeps sending). */
  bytesDropped = 0;

  constructor(
    readonly device: SimSerialDevice,
    private readonly ttyPath: string,
    private readonly baudRate: number,
  ) {}

  /** Opens the tty end and powers the device up at the configured baud rate. */
  start(nowUs: number): void {
    this.nowUs = nowUs;
    // Non-blocking: a reader that falls behind must never stall the world.
    this.fd = openSync(this.ttyPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    this.reader = new ReadStream(this.fd);
    this.reader.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.device.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), this.nowUs);
    });
    this.reader.on('error', (error) => log('%s: read failed: %s', this.ttyPath, error.message));
    this.device.open(this.baudRate, nowUs);
    log('%s bridged to %s at %d baud', this.device.path, this.ttyPath, this.baudRate);
  }

  /** Writes what the device produced up to `toUs` to the tty. */
  pump(toUs: number, world: SimWorldView): void {
    this.nowUs = toUs;
    const fd = this.fd;
    if (fd === null) return;
    for (const chunk of this.device.advance(toUs, world)) {
      this.bytesOut += chunk.bytes.length;
      try {
        const written = writeSync(fd, chunk.bytes);
        this.bytesDropped += chunk.bytes.length - written;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN')
          log('%s: write failed: %s', this.ttyPath, String(error));
        this.bytesDropped += chunk.bytes.length;
      }
    }
  }

  close(): void {
    this.reader?.destroy();
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed by the streams.
      }
    }
    this.fd = null;
  }
}
