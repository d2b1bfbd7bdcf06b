import { openSync, closeSync, constants } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
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
  private writer: WriteStream | null = null;
  private nowUs = 0;
  /** Bytes the model produced (counted for tests and logs). */
  bytesOut = 0;
  bytesIn = 0;

  constructor(
    readonly device: SimSerialDevice,
    private readonly ttyPath: string,
    private readonly baudRate: number,
  ) {}

  /** Opens the tty end and powers the device up at the configured baud rate. */
  start(nowUs: number): void {
    this.nowUs = nowUs;
    this.fd = openSync(this.ttyPath, constants.O_RDWR | constants.O_NOCTTY);
    this.reader = new ReadStream(this.fd);
    this.writer = new WriteStream(this.fd);
    this.reader.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.device.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), this.nowUs);
    });
    this.reader.on('error', (error) => log('%s: read failed: %s', this.ttyPath, error.message));
    this.writer.on('error', (error) => log('%s: write failed: %s', this.ttyPath, error.message));
    this.device.open(this.baudRate, nowUs);
    log('%s bridged to %s at %d baud', this.device.path, this.ttyPath, this.baudRate);
  }

  /** Writes what the device produced up to `toUs` to the tty. */
  pump(toUs: number, world: SimWorldView): void {
    this.nowUs = toUs;
    const writer = this.writer;
    if (!writer) return;
    for (const chunk of this.device.advance(toUs, world)) {
      this.bytesOut += chunk.bytes.length;
      writer.write(chunk.bytes);
    }
  }

  close(): void {
    this.reader?.destroy();
    this.writer?.destroy();
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
