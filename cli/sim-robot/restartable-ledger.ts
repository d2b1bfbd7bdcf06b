import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';

/**
 * The ledger of a robot whose process the simulator kills and restarts: its file as configured,
 * or, where the ledger would be in memory (the simulator's default), a fresh file in a
 * temporary folder: the next process must find what the killed one committed.
 */
export function restartableLedger(settings: LedgerSettings, robotId: string): LedgerSettings {
  if (settings.path !== ':memory:' && settings.path !== '') return settings;
  const dir = mkdtempSync(join(tmpdir(), `spinal-sim-${robotId}-`));
  return { ...settings, path: join(dir, 'ledger.db') };
}
