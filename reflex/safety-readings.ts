import createDebug from 'debug';
import type { BatteryReading } from '../messages/battery-reading.js';
import type { Device } from '../hal/device-api.js';
import type { DigitalInputDevice } from '../hal/digital-input/api.js';
import type { EncoderReading } from '../messages/encoder-reading.js';
import type { ImuSample } from '../messages/imu-sample.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { RangeDevice } from '../hal/range/api.js';
import type { ReflexStatus } from '../messages/runtime-status.js';
import {
  DecelerationObserver,
  effectiveDecelMps2,
  type DecelerationObserverSettings,
} from './deceleration-observer.js';
import type { ReflexInputs } from './reflex-types.js';

const log = createDebug('spinal:reflex');

const STANDARD_GRAVITY_MPS2 = 9.80665;

/** Devices besides the lidar that safety rules watch; each is optional (a board may lack it). */
export interface SafetySources {
  /** E-stop buttons and bumpers. */
  switches?: readonly DigitalInputDevice[];
  battery?: { lastReading(): BatteryReading | null } | null;
  imu?: { lastSample(): ImuSample | null } | null;
  /** Wheel encoders (quadrature, or a motor controller's counters). */
  wheels?: { lastReading(): EncoderReading | null } | null;
  /** Every motor driver, for its health. */
  motorDrivers?: readonly Device[];
  /** Single-beam range sensors: their returns count as obstacles like the lidar's. */
  ranges?: readonly RangeDevice[];
}

/** The device readings of the reflex's inputs, sampled at one moment. */
export type DeviceInputs = Pick<
  ReflexInputs,
  | 'lidarLastDataUs'
  | 'lidarHealthy'
  | 'lidarHealthReason'
  | 'rangeSensors'
  | 'switches'
  | 'motorDrivers'
  | 'battery'
  | 'imu'
  | 'wheels'
>;

/**
 * Samples every device a safety rule watches: lidar and range sensor freshness and health, the
 * switches, the motor drivers' health, battery, IMU (tilt and shock) and the wheel speed from the
 * encoders, which also feeds the {@link DecelerationObserver} measuring what real stops achieve.
 */
export class SafetyReadings {
  /** The deceleration real stops achieve, from the wheel encoders. */
  readonly deceleration: DecelerationObserver;
  private readonly rangeLastDataUs = new Map<string, number>();
  private previousWheels: EncoderReading | null = null;
  private measuredWheels: { measuredVMps: number; stampUs: number } | null = null;

  constructor(
    private readonly lidar: LidarDevice,
    private readonly sources: SafetySources,
    settings: DecelerationObserverSettings,
  ) {
    this.deceleration = new DecelerationObserver(settings);
  }

  /** The braking the stops assume (`assumedMps2`), what real stops achieved, and what the checks use. */
  braking(assumedMps2: number): NonNullable<ReflexStatus['braking']> {
    const { observedMps2, stops } = this.deceleration.observation();
    return { assumedMps2, observedMps2, usedMps2: effectiveDecelMps2(assumedMps2, observedMps2), stopsMeasured: stops };
  }

  /** A range sensor reported at `stampUs` (whatever it measured). */
  rangeReported(id: string, stampUs: number): void {
    this.rangeLastDataUs.set(id, stampUs);
  }

  sample(): DeviceInputs {
    const { lidar, sources } = this;
    const health = lidar.health();
    return {
      lidarLastDataUs: lidar.lastDataUs(),
      lidarHealthy: health.state === 'ok',
      lidarHealthReason: health.reason,
      rangeSensors: (sources.ranges ?? []).map((r) => ({
        id: r.id,
        lastDataUs: this.rangeLastDataUs.get(r.id) ?? -Infinity,
        healthy: r.health().state === 'ok',
        reason: r.health().reason,
      })),
      switches: (sources.switches ?? []).map((s) => ({ id: s.id, role: s.role, ...s.state() })),
      motorDrivers: (sources.motorDrivers ?? []).map((d) => ({
        id: d.id,
        healthy: d.health().state !== 'failed',
        reason: d.health().reason,
      })),
      battery: batteryInput(sources.battery?.lastReading() ?? null),
      imu: imuInput(sources.imu?.lastSample() ?? null),
      wheels: this.wheelInput(sources.wheels?.lastReading() ?? null),
    };
  }

  /** Forward speed from the change of wheel travel between the last two encoder readings. */
  private wheelInput(reading: EncoderReading | null): ReflexInputs['wheels'] {
    if (reading && reading !== this.previousWheels) {
      const previous = this.previousWheels;
      this.previousWheels = reading;
      if (previous && reading.stampUs > previous.stampUs) {
        const channels = Object.keys(reading.travelM);
        const dtS = (reading.stampUs - previous.stampUs) / 1e6;
        const sum = channels.reduce((acc, ch) => acc + ((reading.travelM[ch] ?? 0) - (previous.travelM[ch] ?? 0)), 0);
        this.measuredWheels = {
          measuredVMps: channels.length ? sum / channels.length / dtS : 0,
          stampUs: reading.stampUs,
        };
        const stopsBefore = this.deceleration.observation().stops;
        this.deceleration.speedSample(reading.stampUs, this.measuredWheels.measuredVMps);
        if (log.enabled && this.deceleration.observation().stops > stopsBefore) {
          log('stop measured: braking %o m/s² over the recent stops', this.deceleration.observedMps2());
        }
      }
    }
    return this.measuredWheels;
  }
}

function batteryInput(reading: BatteryReading | null): ReflexInputs['battery'] {
  return reading && Number.isFinite(reading.voltageV) ? { voltageV: reading.voltageV, stampUs: reading.stampUs } : null;
}

/** Tilt from the gravity vector, and the shock beyond gravity, from one IMU sample. */
function imuInput(sample: ImuSample | null): ReflexInputs['imu'] {
  if (!sample) return null;
  const { x, y, z } = sample.accelMps2;
  const magnitude = Math.hypot(x, y, z);
  if (!(magnitude > 0)) return null;
  const tiltDeg = (Math.acos(Math.max(-1, Math.min(1, z / magnitude))) * 180) / Math.PI;
  const shockG = Math.abs(magnitude - STANDARD_GRAVITY_MPS2) / STANDARD_GRAVITY_MPS2;
  return { tiltDeg, shockG, stampUs: sample.stampUs };
}
