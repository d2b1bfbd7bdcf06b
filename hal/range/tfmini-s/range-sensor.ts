import createDebug from 'debug';
import type { Clock } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import type { RangeReading, RangeStatus } from '../../../messages/range-reading.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import { ListenerList } from '../../listener-list.js';
import type { Unsubscribe } from '../../listener-list.js';
import type { MountPose } from '../../mount-pose.js';
import type { DeviceCreateContext } from '../../registry.js';
import type { RangeDevice } from '../api.js';
import type { TfminiSFrame } from './codec.js';

/**
 * What the TFmini-S drivers share, on a UART ({@link ./serial-driver.ts}) and on I2C
 * ({@link ./i2c-driver.ts}): frames as range readings, health, listeners, the mount, and how
 * long a silence counts as no data.
 */

const log = createDebug('spinal:hal:tfmini-s');

/** No valid frame for this long marks the device failed, at least, milliseconds; or 5 frame periods when longer. */
const NO_DATA_MIN_TIMEOUT_MS = 500;
const NO_DATA_TIMEOUT_PERIODS = 5;
/** How often the no-data watchdog looks, microseconds. */
export const WATCHDOG_PERIOD_US = 100_000;

/** How long without a valid frame counts as "no data" at `frameRateHz`, microseconds. */
export function noDataTimeoutUs(frameRateHz: number): number {
  return Math.max(NO_DATA_MIN_TIMEOUT_MS * US_PER_MS, (NO_DATA_TIMEOUT_PERIODS * 1e6) / frameRateHz);
}

/**
 * A frame as a range reading: the sensor's codes become statuses (−1 weak signal, −2 and −4
 * saturated, any other negative code out-of-range), a distance weaker than `minStrength` is a
 * weak signal, and only an `ok` reading has a distance (centimetres to metres).
 */
export function readingFromFrame(frame: TfminiSFrame, minStrength: number, stampUs: number): RangeReading {
  let status: RangeStatus;
  switch (frame.status) {
    case 'ok':
      status = frame.strength < minStrength ? 'weak-signal' : 'ok';
      break;
    case 'weak-signal':
      status = 'weak-signal';
      break;
    case 'signal-saturated':
    case 'ambient-saturated':
      status = 'saturated';
      break;
    case 'unknown-code':
      status = 'out-of-range';
      break;
  }
  return { distanceM: status === 'ok' ? frame.distance / 100 : NaN, strength: frame.strength, status, stampUs };
}

/** What both TFmini-S drivers share: health, readings and their listeners, the mount. */
export abstract class TfminiSRangeSensor implements RangeDevice {
  readonly kind = 'range' as const;
  readonly id: string;
  abstract readonly compatible: string;

  protected readonly clock: Clock;
  protected readonly tracker: HealthTracker;
  protected readonly readingCounts = { readingsOk: 0, weakSignal: 0, saturated: 0, outOfRange: 0 };
  private readonly listeners = new ListenerList<(reading: RangeReading) => void>();
  private readonly mountPose: MountPose;
  private readonly minStrength: number;
  private last: RangeReading | null = null;

  protected constructor(context: DeviceCreateContext<{ mount: MountPose; minStrength: number }>) {
    this.id = context.id;
    this.clock = context.clock;
    this.mountPose = { ...context.params.mount };
    this.minStrength = context.params.minStrength;
    this.tracker = new HealthTracker(context.clock.nowUs());
  }

  abstract counters(): Record<string, number>;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  onReading(listener: (reading: RangeReading) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  lastReading(): RangeReading | null {
    return this.last;
  }

  mount(): MountPose {
    return { ...this.mountPose };
  }

  protected emitFrame(frame: TfminiSFrame): void {
    const reading = readingFromFrame(frame, this.minStrength, this.clock.nowUs());
    switch (reading.status) {
      case 'ok':
        this.readingCounts.readingsOk++;
        break;
      case 'weak-signal':
        this.readingCounts.weakSignal++;
        break;
      case 'saturated':
        this.readingCounts.saturated++;
        break;
      case 'out-of-range':
        this.readingCounts.outOfRange++;
        break;
    }
    this.last = reading;
    for (const listener of this.listeners) listener(reading);
  }

  protected setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}
