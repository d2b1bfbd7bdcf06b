import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UpgradeEventBody } from '../../comms/ledger/upgrade-import.js';

/** An upgrade's outcome, one line of the upgrade journal. */
export interface UpgradeEvent {
  /** Monotonically increasing from 1 within the journal. */
  seq: number;
  kind: 'upgrade-installed' | 'upgrade-rolled-back';
  atIso: string;
  /** What `--version` said of the binary before and of the new one (`unknown` when it did not answer). */
  fromVersion: string;
  toVersion: string;
  /** Why it was rolled back; empty when installed. */
  reason: string;
}

/** Appends an event to the journal at `file`, numbered after the last one there. */
export function appendUpgradeEvent(file: string, body: Omit<UpgradeEvent, 'seq'>): UpgradeEvent {
  const event: UpgradeEvent = { seq: readUpgradeEvents(file).length + 1, ...body };
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(event)}\n`);
  return event;
}

/** The journal's events, oldest first; lines that do not parse are skipped. */
export function readUpgradeEvents(file: string): UpgradeEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as UpgradeEvent] : [];
    } catch {
      return [];
    }
  });
}

/** The journal entry as the ledger's event. */
export function upgradeEventBody(event: UpgradeEvent): UpgradeEventBody {
  return {
    kind: 'upgrade',
    outcome: event.kind === 'upgrade-installed' ? 'installed' : 'rolled-back',
    journalSeq: event.seq,
    atIso: event.atIso,
    fromVersion: event.fromVersion,
    toVersion: event.toVersion,
    reason: event.reason,
  };
}

/**
 * A line for the log of `spinal run` when the journal's last event is a rollback (so that the journal
 * shows why the robot runs its previous binary), null otherwise.
 */
export function describeLastRollback(events: readonly UpgradeEvent[]): string | null {
  const last = events.at(-1);
  if (!last || last.kind !== 'upgrade-rolled-back') return null;
  return `the upgrade to ${last.toVersion} was rolled back to ${last.fromVersion} at ${last.atIso}: ${last.reason}`;
}
