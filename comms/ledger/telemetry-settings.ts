import type { ParamValues } from '../../config/params.js';

/** What the ledger keeps of the robot's telemetry and how often it records it (`ledger.telemetry*`). */
export interface TelemetrySettings {
  /** Payload bytes of the `telemetry` table kept at most; 0: nothing is recorded. */
  maxBytes: number;
  /** Rows older than this (wall time) go, ms; 0: no age limit. */
  maxAgeMs: number;
  /** Recorded rows are committed in one transaction this often, microseconds of the robot's clock. */
  flushPeriodUs: number;
  /** Least time between two recorded rows of a topic, microseconds; `Infinity`: not recorded. */
  posePeriodUs: number;
  scanPeriodUs: number;
  pathPeriodUs: number;
  mapPeriodUs: number;
}

const BYTES_PER_MB = 1024 * 1024;
const MS_PER_HOUR = 3_600_000;

/** A rate in Hz as the least period between two samples, microseconds (0 Hz: never). */
function periodOfRate(hz: number): number {
  return hz > 0 ? 1e6 / hz : Number.POSITIVE_INFINITY;
}

export function telemetrySettingsFromParams(params: ParamValues): TelemetrySettings {
  const mapPeriodS = params['ledger.telemetryMapPeriodS'];
  return {
    maxBytes: params['ledger.telemetryMaxSizeMb'] * BYTES_PER_MB,
    maxAgeMs: params['ledger.telemetryMaxAgeH'] * MS_PER_HOUR,
    flushPeriodUs: params['ledger.telemetryFlushMs'] * 1000,
    posePeriodUs: periodOfRate(params['ledger.telemetryPoseHz']),
    scanPeriodUs: periodOfRate(params['ledger.telemetryScanHz']),
    pathPeriodUs: periodOfRate(params['ledger.telemetryPathHz']),
    mapPeriodUs: mapPeriodS > 0 ? mapPeriodS * 1e6 : Number.POSITIVE_INFINITY,
  };
}
