import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendUpgradeEvent, describeLastRollback, readUpgradeEvents } from './upgrade-event.js';

const body = { atIso: '2026-12-03T12:00:00.000Z', fromVersion: '1.0.0', toVersion: '2.0.0', reason: '' };

describe('the upgrade journal', () => {
  it('GIVEN events appended WHEN read back THEN they are numbered from 1 in order, a damaged line skipped', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-upgrade-journal-')), 'state', 'upgrade-events.jsonl');
    appendUpgradeEvent(file, { ...body, kind: 'upgrade-installed' });
    writeFileSync(file, '{"half a line\n', { flag: 'a' });
    appendUpgradeEvent(file, { ...body, kind: 'upgrade-rolled-back', reason: 'not healthy' });
    expect(readUpgradeEvents(file).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'upgrade-installed'],
      [2, 'upgrade-rolled-back'],
    ]);
  });

  it('says so when the last upgrade was rolled back, and nothing otherwise', () => {
    const installed = { ...body, seq: 1, kind: 'upgrade-installed' as const };
    const rolledBack = { ...body, seq: 2, kind: 'upgrade-rolled-back' as const, reason: 'not healthy within 60 s' };
    expect(describeLastRollback([])).toBeNull();
    expect(describeLastRollback([rolledBack, installed])).toBeNull();
    expect(describeLastRollback([installed, rolledBack])).toBe(
      'the upgrade to 2.0.0 was rolled back to 1.0.0 at 2026-12-03T12:00:00.000Z: not healthy within 60 s',
    );
  });
});
