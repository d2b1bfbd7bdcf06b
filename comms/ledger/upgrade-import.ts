import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { Ledger } from './ledger.js';

/** An upgrade's outcome as an event body. */
export type UpgradeEventBody = Extract<RuntimeEventBody, { kind: 'upgrade' }>;

/** What tells one journal entry from another: its number and its time (a reinstalled journal numbers from 1 again). */
function keyOf(upgrade: Pick<UpgradeEventBody, 'journalSeq' | 'atIso'>): string {
  return `${upgrade.journalSeq}@${upgrade.atIso}`;
}

/**
 * The upgrade journal's entries the ledger does not hold yet, in journal order: each entry goes
 * into the ledger exactly once, however often the robot starts, because the check is against the
 * ledger itself (upgrade events are never dropped by retention).
 */
export function upgradesNotInLedger(
  ledger: Pick<Ledger, 'eventsOfKind'>,
  journal: readonly UpgradeEventBody[],
): UpgradeEventBody[] {
  const known = new Set(ledger.eventsOfKind('upgrade').map(keyOf));
  const fresh: UpgradeEventBody[] = [];
  for (const entry of journal) {
    const key = keyOf(entry);
    if (known.has(key)) continue;
    known.add(key);
    fresh.push(entry);
  }
  return fresh;
}

/** True for a well-formed upgrade event body (what the comms thread is given at start). */
export function isUpgradeEventBody(value: unknown): value is UpgradeEventBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === 'upgrade' &&
    (v.outcome === 'installed' || v.outcome === 'rolled-back') &&
    Number.isInteger(v.journalSeq) &&
    typeof v.atIso === 'string' &&
    typeof v.fromVersion === 'string' &&
    typeof v.toVersion === 'string' &&
    typeof v.reason === 'string'
  );
}
