import { closeSync, constants, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ReadStream } from 'node:tty';
import createDebug from 'debug';
import { ModemLinesDecoder, modemLinesPathFor } from '../hal/transport/serial/modem-lines-codec.js';
import type { SimSerialDevice, SimWorldView } from './devices/sim-device.js';

const log = createDebug('spinal:sim:pty');

/**
 * Connects a simulated serial device to one end of a pseudo-terminal pair instead of the sim
 * link: its bytes go out on a real tty, and whatever the other end writes reaches the model. A
 * program at the other end (the robot's real `serialport` binding, or anything else) sees a
 * serial device like a real one. A pty has no modem lines, so DTR and RTS come over the Unix
 * socket at `modemLinesPathFor(ttyPath)` (see `modem-lines-codec.ts`) and reach the model's
 * `setSignals` as they would from a USB adapter.
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
  /** Modem-line changes received, and lines of the side channel that made no sense. */
  lineChanges = 0;
  lineMessagesMalformed = 0;
  private linesServer: Server | null = null;
  private readonly lineClients = new Set<Socket>();
  readonly modemLinesPath: string;

  constructor(
    readonly device: SimSerialDevice,
    private readonly ttyPath: string,
    private readonly baudRate: number,
  ) {
    this.modemLinesPath = modemLinesPathFor(ttyPath);
  }

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
    this.listenForModemLines();
    log('%s bridged to %s at %d baud', this.device.path, this.ttyPath, this.baudRate);
  }

  /** Each connection to the modem-line socket is a host that opened the tty; its messages set DTR and RTS. */
  private listenForModemLines(): void {
    rmSync(this.modemLinesPath, { force: true });
    const server = createServer((socket) => {
      this.lineClients.add(socket);
      const decoder = new ModemLinesDecoder();
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        for (const levels of decoder.push(text)) {
          this.lineChanges++;
          this.device.setSignals(levels, this.nowUs);
        }
        this.lineMessagesMalformed = decoder.counters().malformed;
      });
      socket.on('error', (error) => log('%s: modem-line client: %s', this.modemLinesPath, error.message));
      socket.on('close', () => this.lineClients.delete(socket));
    });
    server.on('error', (error) => log('%s: modem-line socket: %s', this.modemLinesPath, error.message));
    server.listen(this.modemLinesPath);
    this.linesServer = server;
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
    for (const client of this.lineClients) client.destroy();
    this.linesServer?.close();
    this.linesServer = null;
    rmSync(this.modemLinesPath, { force: true });
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
