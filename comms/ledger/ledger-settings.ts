import type { ParamValues } from '../../config/params.js';
import { telemetrySettingsFromParams, type TelemetrySettings } from './telemetry-settings.js';

/** When the ledger makes its commits durable against power loss. */
export type DurabilityPolicy =
  /** Every batch is synced to the disk before it is reported committed. */
  | { kind: 'batch' }
  /**
   * Batches are committed (safe from a crash or kill -9 of the process) and synced to the disk at
   * least every `intervalMs` (a power loss may take the last interval).
   */
  | { kind: 'interval'; intervalMs: number };

/** What the ledger is opened with. */
export interface LedgerSettings {
  /** The SQLite file; `:memory:` keeps the ledger in memory (nothing survives the process). */
  path: string;
  durability: DurabilityPolicy;
  /** Events committed in one transaction at most. */
  maxBatch: number;
  /** Payload bytes kept at most; above it, droppable classes go (see `priority-class.ts`). */
  maxBytes: number;
  /** Droppable events older than this (wall time) go, ms; 0: no age limit. */
  maxAgeMs: number;
  /** Space kept in reserve beside the file, given back when the disk fills up, bytes; 0: none. */
  reserveBytes: number;
  /** The recorded telemetry (its own table, below every event class). */
  telemetry: TelemetrySettings;
}

const BYTES_PER_MB = 1024 * 1024;
const MS_PER_HOUR = 3_600_000;

/** The ledger's settings from resolved parameters (`ledger.*`); `path` as given (`spinal sim` decides its own). */
export function ledgerSettingsFromParams(params: ParamValues, path = params['ledger.path']): LedgerSettings {
  return {
    path,
    durability:
      params['ledger.durability'] === 'interval'
        ? { kind: 'interval', intervalMs: params['ledger.syncIntervalMs'] }
        : { kind: 'batch' },
    maxBatch: params['ledger.maxBatch'],
    maxBytes: params['ledger.maxSizeMb'] * BYTES_PER_MB,
    maxAgeMs: params['ledger.maxAgeH'] * MS_PER_HOUR,
    reserveBytes: params['ledger.diskReserveKb'] * 1024,
    telemetry: telemetrySettingsFromParams(params),
  };
}
