import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLedgers } from '../../test/harness/temp-ledger.js';
import { Ledger } from './ledger.js';
import type { LedgerSettings } from './ledger-settings.js';
import { isUpgradeEventBody, upgradesNotInLedger, type UpgradeEventBody } from './upgrade-import.js';

const ledgers = tempLedgers();
afterEach(() => ledgers.cleanUp());
const settings = ledgers.settings;

function entry(
  journalSeq: number,
  outcome: UpgradeEventBody['outcome'],
  atIso = `2026-12-0${journalSeq}T10:00:00Z`,
): UpgradeEventBody {
  return {
    kind: 'upgrade',
    outcome,
    journalSeq,
    atIso,
    fromVersion: `1.${journalSeq - 1}.0`,
    toVersion: `1.${journalSeq}.0`,
    reason: outcome === 'rolled-back' ? 'no READY=1 within 60 s' : '',
  };
}

/** One start of the robot: the ledger opened, the journal's news written, the ledger closed. */
function start(s: LedgerSettings, boot: string, journal: readonly UpgradeEventBody[]): void {
  const ledger = Ledger.open(s, boot);
  ledger.append(upgradesNotInLedger(ledger, journal).map((body) => ({ body, atUs: 0 })));
  ledger.close();
}

function upgradesIn(s: LedgerSettings): UpgradeEventBody[] {
  const ledger = Ledger.open(s, 'reader');
  const events = ledger.eventsOfKind('upgrade').map(({ seq: _seq, atUs: _atUs, ...body }) => body);
  ledger.close();
  return events;
}

describe('upgrade events into the ledger', () => {
  it('GIVEN a journal with a rollback WHEN the robot starts twice THEN the ledger holds the rollback once, as a kept event', () => {
    const s = settings();
    const journal = [entry(1, 'installed'), entry(2, 'rolled-back')];
    start(s, 'boot-1', journal);
    start(s, 'boot-2', journal);
    expect(upgradesIn(s)).toEqual(journal);
  });

  it('takes in only what the journal gained since, and an entry of a reinstalled journal (numbered from 1 again) as new', () => {
    const s = settings();
    start(s, 'boot-1', [entry(1, 'installed')]);
    start(s, 'boot-2', [entry(1, 'installed'), entry(2, 'rolled-back')]);
    const reinstalled = entry(1, 'installed', '2026-12-09T08:00:00Z');
    start(s, 'boot-3', [reinstalled]);
    expect(upgradesIn(s)).toEqual([entry(1, 'installed'), entry(2, 'rolled-back'), reinstalled]);
  });

  it('holds every journal entry exactly once and in journal order, over any sequence of starts as the journal grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('installed' as const, 'rolled-back' as const), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 6 }),
        (outcomes, startsAt) => {
          const s = settings();
          const journal = outcomes.map((outcome, i) => entry(i + 1, outcome));
          // The robot starts whenever the journal holds the first n entries (n in any order, repeats included).
          startsAt.forEach((n, i) => start(s, `boot-${i}`, journal.slice(0, n)));
          start(s, 'boot-last', journal);
          expect(upgradesIn(s)).toEqual(journal);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('accepts well-formed bodies only (what the comms thread is given at start)', () => {
    expect(isUpgradeEventBody(entry(1, 'rolled-back'))).toBe(true);
    expect(isUpgradeEventBody({ ...entry(1, 'installed'), outcome: 'exploded' })).toBe(false);
    expect(isUpgradeEventBody({ ...entry(1, 'installed'), journalSeq: 1.5 })).toBe(false);
    expect(isUpgradeEventBody({ ...entry(1, 'installed'), reason: undefined })).toBe(false);
    expect(isUpgradeEventBody(null)).toBe(false);
  });
});
