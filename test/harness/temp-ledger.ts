import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import { telemetrySettingsFromParams } from '../../comms/ledger/telemetry-settings.js';
import { resolveParams } from '../../config/param-values.js';

/**
 * Ledger settings for a test: a fresh file in a temp directory, batch durability, no caps; `cleanUp`
 * removes every directory made so far (call it after each test).
 */
export function tempLedgers(): { settings(overrides?: Partial<LedgerSettings>): LedgerSettings; cleanUp(): void } {
  const dirs: string[] = [];
  return {
    settings(overrides = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'spinal-ledger-'));
      dirs.push(dir);
      return {
        path: join(dir, 'ledger.db'),
        durability: { kind: 'batch' },
        maxBatch: 1000,
        maxBytes: 1e9,
        maxAgeMs: 0,
        reserveBytes: 0,
        telemetry: { ...telemetrySettingsFromParams(resolveParams({})), maxBytes: 1e9, maxAgeMs: 0 },
        ...overrides,
      };
    },
    cleanUp() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
