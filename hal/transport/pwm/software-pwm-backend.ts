import createDebug from 'debug';
import type { Cancel, Clock } from '../../../time/clock.js';
import type { GpioBackend, GpioLevel, GpioLine } from '../gpio/api.js';
import { TransportError } from '../transport-error.js';
import type { PwmBackend, PwmChannel, PwmChannelSpec } from './api.js';

const log = createDebug('spinal:hal:software-pwm');

/** Shortest period the software backend takes by default, nanoseconds (1 ms, 1 kHz). */
export const SOFTWARE_PWM_MIN_PERIOD_NS = 1_000_000;

export interface SoftwarePwmBackendOptions {
  /** Shortest period `open()` accepts, nanoseconds. Default {@link SOFTWARE_PWM_MIN_PERIOD_NS} (1 ms). */
  minPeriodNs?: number;
  /**
   * Told when an edge written by the PWM's own timers fails (calls to `setDuty` / `enable` reject
   * instead). The channel then holds still until its next `setDuty` or `enable`.
   */
  onWriteError?: (spec: PwmChannelSpec, error: TransportError) => void;
}

/** What one software channel did, for counters. */
export interface SoftwarePwmCounters {
  /** Level writes the line acknowledged. */
  writes: number;
  /** Level writes that failed. */
  writeErrors: number;
}

/**
 * PWM made by toggling a GPIO output line on the injected {@link Clock}: for boards whose enable
 * pins have no PWM hardware behind them. `spec.chip` is the GPIO chip label, `spec.channel` the
 * line offset, `spec.periodNs` the period (at least 1 ms by default).
 *
 * Each period the line goes high at the start and low `duty × period` later; duty 0 and 1 hold the
 * line still (no timers, no writes). Under a `VirtualClock` the edges land exactly.
 *
 * Jitter: on a robot the edges run on Node timers (`setInterval` / `setTimeout`), which fire in
 * whole milliseconds at best and late by the event loop's latency (typically 0.1..2 ms on a Pi 4,
 * tens of ms during a GC pause or a blocking call), so single pulses are off by up to that much and
 * at 1 kHz the output looks more like pulse-density modulation than clean PWM. The channel keeps
 * the running difference between the duty asked for and the time the line really spent high (the
 * clock's own readings) and corrects the next pulses by it, so the *average* duty seen by the motor
 * stays right over tens of periods. During a stall the line holds its level: a motor at a partial
 * duty runs at 0 or 100 % for the stall. Each edge is one sysfs write on the main thread (two per
 * period per bridge); use hardware PWM where the board has it.
 *
 * Writes to one line never overlap: an edge that comes while a write is still in flight replaces
 * any edge waiting behind it, and the line gets the latest level once the write is done.
 */
export class SoftwarePwmBackend implements PwmBackend {
  readonly kind = 'software';
  private readonly minPeriodNs: number;
  private readonly onWriteError: ((spec: PwmChannelSpec, error: TransportError) => void) | undefined;
  private readonly channels = new Set<SoftwarePwmChannel>();
  private closedTotals: SoftwarePwmCounters = { writes: 0, writeErrors: 0 };

  constructor(
    private readonly gpio: GpioBackend,
    private readonly clock: Clock,
    options: SoftwarePwmBackendOptions = {},
  ) {
    this.minPeriodNs = options.minPeriodNs ?? SOFTWARE_PWM_MIN_PERIOD_NS;
    this.onWriteError = options.onWriteError;
  }

  /** Opens `spec.chip` line `spec.channel` as an output and drives it low. Rejects with a TransportError. */
  async open(spec: PwmChannelSpec): Promise<PwmChannel> {
    const { chip, channel, periodNs } = spec;
    if (!Number.isFinite(periodNs) || periodNs < this.minPeriodNs) {
      throw new TransportError(
        'EINVAL',
        `software PWM on ${chip} line ${channel}: period ${periodNs} ns is shorter than ${this.minPeriodNs} ns ` +
          `(${1e9 / this.minPeriodNs} Hz); use hardware PWM for faster`,
      );
    }
    const line = await this.gpio.open({ chipLabel: chip, line: channel, direction: 'out' });
    const pwm = new SoftwarePwmChannel(spec, line, this.clock, periodNs / 1_000, (ch, error) => {
      if (ch.closed) return;
      log('%s line %d: edge write failed: %s', chip, channel, error.message);
      this.onWriteError?.(spec, error);
    });
    pwm.onClose = () => {
      this.channels.delete(pwm);
      this.closedTotals = add(this.closedTotals, pwm.counters);
    };
    this.channels.add(pwm);
    try {
      await pwm.enable(false);
    } catch (cause) {
      await pwm.close().catch(() => undefined);
      throw TransportError.from(cause, `software PWM on ${chip} line ${channel}`);
    }
    log('opened %s line %d, period %d µs', chip, channel, periodNs / 1_000);
    return pwm;
  }

  /** Writes over every channel this backend opened, closed ones included. */
  counters(): SoftwarePwmCounters {
    let totals = this.closedTotals;
    for (const channel of this.channels) totals = add(totals, channel.counters);
    return totals;
  }
}

function add(a: SoftwarePwmCounters, b: SoftwarePwmCounters): SoftwarePwmCounters {
  return { writes: a.writes + b.writes, writeErrors: a.writeErrors + b.writeErrors };
}

interface Waiter {
  resolve(): void;
  reject(error: TransportError): void;
}

class SoftwarePwmChannel implements PwmChannel {
  readonly counters: SoftwarePwmCounters = { writes: 0, writeErrors: 0 };
  closed = false;
  onClose: (() => void) | undefined;

  private duty = 0;
  private enabled = false;
  /** The level the waveform asks for now. */
  private level: GpioLevel = 0;
  private levelSinceUs: number;
  /** Running ∫(duty − level) dt while the waveform runs, microseconds; corrects the next pulses. */
  private errorUs = 0;
  private running = false;
  private periodTimer: Cancel | undefined;
  private fallTimer: Cancel | undefined;

  /** Last level the line acknowledged; undefined while unknown (before the first write, after a failure). */
  private written: GpioLevel | undefined;
  private writing = false;
  /** Set by a failed write: no more writes until the next setDuty / enable. */
  private halted = false;
  private waiters: Waiter[] = [];

  constructor(
    readonly spec: PwmChannelSpec,
    private readonly line: GpioLine,
    private readonly clock: Clock,
    private readonly periodUs: number,
    private readonly reportError: (channel: SoftwarePwmChannel, error: TransportError) => void,
  ) {
    this.levelSinceUs = clock.nowUs();
  }

  /** Resolves once the line holds the first level of the new waveform; rejects with a TransportError. */
  setDuty(duty: number): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (!(duty >= 0 && duty <= 1)) return Promise.reject(new RangeError(`PWM duty must be in 0..1, got ${duty}`));
    this.duty = duty;
    this.restart();
    return this.flush();
  }

  enable(on: boolean): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    this.enabled = on;
    this.restart();
    return this.flush();
  }

  /** Stops the waveform, drives the line low (best effort) and closes it. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    this.running = false;
    this.halted = false;
    this.setLevel(0);
    await this.flush().catch((error: unknown) =>
      log('%s line %d: low on close: %o', this.spec.chip, this.spec.channel, error),
    );
    this.closed = true;
    this.onClose?.();
    await this.line.close();
  }

  /** Starts the waveform for the current duty and enable, or holds the line still. */
  private restart(): void {
    this.stopTimers();
    this.halted = false;
    this.errorUs = 0;
    this.levelSinceUs = this.clock.nowUs();
    const duty = this.enabled ? this.duty : 0;
    this.running = duty > 0 && duty < 1;
    if (!this.running) {
      this.setLevel(duty >= 1 ? 1 : 0);
      return;
    }
    this.startPeriod();
    this.periodTimer = this.clock.every(this.periodUs, () => this.startPeriod());
  }

  private startPeriod(): void {
    this.fallTimer?.();
    this.fallTimer = undefined;
    this.account();
    const highUs = this.duty * this.periodUs + this.errorUs;
    if (highUs < 1) {
      this.setLevel(0);
    } else if (highUs > this.periodUs - 1) {
      this.setLevel(1);
    } else {
      this.setLevel(1);
      this.fallTimer = this.clock.after(highUs, () => {
        this.fallTimer = undefined;
        this.account();
        this.setLevel(0);
      });
    }
  }

  /** Adds the time since the last change to the running error, bounded to one period either way. */
  private account(): void {
    const nowUs = this.clock.nowUs();
    const elapsedUs = nowUs - this.levelSinceUs;
    this.levelSinceUs = nowUs;
    if (!this.running || !(elapsedUs > 0)) return;
    this.errorUs += (this.duty - this.level) * elapsedUs;
    this.errorUs = Math.max(-this.periodUs, Math.min(this.periodUs, this.errorUs));
  }

  private stopTimers(): void {
    this.periodTimer?.();
    this.fallTimer?.();
    this.periodTimer = undefined;
    this.fallTimer = undefined;
  }

  private setLevel(level: GpioLevel): void {
    this.level = level;
    this.pump();
  }

  /** Writes the wanted level unless a write is in flight (then the next pump does) or it is already there. */
  private pump(): void {
    if (this.writing || this.halted) return;
    if (this.written === this.level) {
      this.settle();
      return;
    }
    const target = this.level;
    this.writing = true;
    this.line.write(target).then(
      () => {
        this.counters.writes++;
        this.written = target;
        this.writing = false;
        this.pump();
      },
      (cause: unknown) => {
        const error = TransportError.from(cause, `software PWM on ${this.spec.chip} line ${this.spec.channel}`);
        this.counters.writeErrors++;
        this.written = undefined;
        this.writing = false;
        this.halted = true;
        this.running = false;
        this.stopTimers();
        const waiters = this.waiters.splice(0);
        if (waiters.length > 0) for (const waiter of waiters) waiter.reject(error);
        else this.reportError(this, error);
      },
    );
  }

  private settle(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  /** Resolves when the line holds the wanted level, rejects if the write fails. */
  private flush(): Promise<void> {
    if (!this.writing && this.written === this.level) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  private closedError(): TransportError {
    return new TransportError('ECLOSED', `software PWM on ${this.spec.chip} line ${this.spec.channel} is closed`);
  }
}
