// What every part of the ledger bench writes: ledger settings (the `batch` durability policy, no
// size or age cap) and the events themselves, made one batch at a time so that no part holds more
// than one batch of its own objects.
import type { LedgerInput } from '../../comms/ledger/ledger.js';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';

const MB = 1024 * 1024;

/** Ledger settings for a bench file at `path` (`:memory:` for none). */
export function benchLedgerSettings(path: string): LedgerSettings {
  return {
    path,
    durability: { kind: 'batch' },
    maxBatch: 2_000,
    maxBytes: 64 * 1024 * MB,
    maxAgeMs: 0,
    reserveBytes: 0,
  };
}

/** The `n`th bench event: a device-health change, about 90 bytes of payload. */
export function benchEvent(n: number): LedgerInput {
  return {
    body: {
      kind: 'device-health',
      device: 'imu',
      from: 'ok',
      to: n % 2 ? 'degraded' : 'ok',
      reason: `read ${n} failed`,
    },
    atUs: n,
  };
}

/** Events `from` .. `from + count - 1`. */
export function benchBatch(from: number, count: number): LedgerInput[] {
  return Array.from({ length: count }, (_, i) => benchEvent(from + i));
}
