import createDebug from 'debug';
import type { Cancel, Clock } from '../../../time/clock.js';
import { Backoff, type BackoffOptions } from '../../../time/backoff.js';
import { TransportError, isSerialDeviceGone } from '../transport-error.js';
import type { SerialBackend, SerialConnection } from './api.js';

const log = createDebug('spinal:hal:serial');

export interface ResilientSerialPortOptions {
  backend: SerialBackend;
  path: string;
  baudRate: number;
  clock: Clock;
  /** Reopen delays. Default: 500 ms, x1.6, 20 % jitter, capped at 5 s. */
  backoff?: BackoffOptions;
  /** How often the port list is checked while the device is absent, ms. Default 500. */
  listPollMs?: number;
  /** Bytes from the device. */
  onData(bytes: Uint8Array): void;
  /** The port is open (first time, or again after a fault). */
  onOpen(): void;
  /** The port is not usable: why, in plain words. Called once per outage. */
  onDown(reason: string, error: TransportError | undefined): void;
}

export interface ResilientSerialCounters {
  opens: number;
  openFailures: number;
  unexpectedCloses: number;
  writeErrors: number;
}

/**
 * A serial port that stays open: when opening fails, or the device goes away (closed with an
 * error, a write error that {@link isSerialDeviceGone}), it reports the outage once and reopens by itself, with backoff,
 * watching the port list so that a replugged device is reopened as soon as it reappears.
 * Every serial driver uses it; timers run on the injected clock.
 */
export class ResilientSerialPort {
  private connection: SerialConnection | null = null;
  private retry: Cancel | null = null;
  private readonly backoff: Backoff;
  private stopped = true;
  private down = false;
  private generation = 0;
  /** The last failure meant the device was absent (unplugged, no such file): its reappearance is worth an open at once. */
  private lastFailureAbsent = false;
  private readonly stats: ResilientSerialCounters = { opens: 0, openFailures: 0, unexpectedCloses: 0, writeErrors: 0 };

  constructor(private readonly o: ResilientSerialPortOptions) {
    this.backoff = new Backoff({ initialMs: 500, maxMs: 5_000, ...o.backoff });
  }

  get path(): string {
    return this.o.path;
  }

  isOpen(): boolean {
    return this.connection !== null;
  }

  counters(): ResilientSerialCounters {
    return { ...this.stats };
  }

  /** Starts opening; never rejects (failures become `onDown` and a retry). */
  start(): Promise<void> {
    this.stopped = false;
    this.down = false;
    return this.attempt();
  }

  /** Writes bytes; rejects with a TransportError when the port is not open or the write fails. */
  async write(bytes: Uint8Array): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new TransportError('ECLOSED', `${this.o.path} is not open`);
    try {
      await connection.write(bytes);
    } catch (cause) {
      const error = TransportError.from(cause, `write to ${this.o.path}`);
      this.stats.writeErrors++;
      if (isSerialDeviceGone(error) && this.connection === connection) this.lost(error);
      throw error;
    }
  }

  async setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new TransportError('ECLOSED', `${this.o.path} is not open`);
    await connection.setSignals(signals);
  }

  /** Closes the port and cancels any reopen. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.retry?.();
    this.retry = null;
    const connection = this.connection;
    this.connection = null;
    if (connection) await connection.close().catch(() => undefined);
  }

  /** Drops the connection after a fault and schedules a reopen. */
  lost(error: TransportError): void {
    const connection = this.connection;
    this.connection = null;
    this.generation++;
    if (connection) void connection.close().catch(() => undefined);
    this.stats.unexpectedCloses++;
    this.lastFailureAbsent = true;
    this.reportDown(`${this.o.path} lost: ${error.message}`, error);
    this.scheduleRetry();
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.connection) return;
    const generation = ++this.generation;
    try {
      const connection = await this.o.backend.open(
        { path: this.o.path, baudRate: this.o.baudRate },
        {
          onData: (bytes) => {
            if (this.generation === generation) this.o.onData(bytes);
          },
          onClose: (error) => {
            if (this.generation !== generation || this.stopped) return;
            this.lost(error ?? new TransportError('ENXIO', 'closed by the device'));
          },
        },
      );
      if (this.stopped || this.generation !== generation) {
        await connection.close().catch(() => undefined);
        return;
      }
      this.connection = connection;
      this.stats.opens++;
      this.down = false;
      this.backoff.reset();
      log('%s open at %d baud', this.o.path, this.o.baudRate);
      this.o.onOpen();
    } catch (cause) {
      if (this.stopped) return;
      const error = TransportError.from(cause, `open ${this.o.path}`);
      this.stats.openFailures++;
      this.lastFailureAbsent = error.code === 'ENOENT' || error.code === 'ENXIO';
      this.reportDown(`cannot open ${this.o.path}: ${error.message}`, error);
      this.scheduleRetry();
    }
  }

  private reportDown(reason: string, error: TransportError | undefined): void {
    if (this.down) return;
    this.down = true;
    log('%s', reason);
    this.o.onDown(reason, error);
  }

  /** Waits for the backoff delay, polling the port list meanwhile: a device that reappears is opened at once. */
  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retry?.();
    const delayMs = this.backoff.nextDelayMs();
    const pollMs = this.o.listPollMs ?? 500;
    const startUs = this.o.clock.nowUs();
    let cancelled = false;
    let sawAbsent = false;
    let cancelTimer: Cancel = () => undefined;
    const poll = (): void => {
      if (cancelled || this.stopped) return;
      const elapsedMs = (this.o.clock.nowUs() - startUs) / 1_000;
      if (elapsedMs >= delayMs) {
        void this.attempt();
        return;
      }
      void this.o.backend.list().then(
        (paths) => {
          if (cancelled || this.stopped) return;
          const present = paths.includes(this.o.path);
          if (present && (sawAbsent || this.lastFailureAbsent)) {
            void this.attempt();
            return;
          }
          if (!present) sawAbsent = true;
          cancelTimer = this.o.clock.after(Math.min(pollMs, delayMs - elapsedMs) * 1_000, poll);
        },
        () => {
          if (!cancelled) cancelTimer = this.o.clock.after((delayMs - elapsedMs) * 1_000, poll);
        },
      );
    };
    cancelTimer = this.o.clock.after(Math.min(pollMs, delayMs) * 1_000, poll);
    this.retry = () => {
      cancelled = true;
      cancelTimer();
    };
  }
}
