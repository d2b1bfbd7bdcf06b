import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REACTION_TABLE, ReactionTableError, type ReactionRow } from '../cortex/consistency/reaction-table.js';
import { VIOLATION_KINDS } from '../cortex/consistency/violation.js';
import {
  BEGIN_MARKER,
  CORTEX_DOC_PATH,
  ConsistencyDocError,
  END_MARKER,
  renderConsistencySection,
  runGenerator,
  spliceConsistencySection,
} from './gen-consistency-docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spinal-consistency-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cellsOf = (line: string) =>
  line
    .slice(1, -1)
    .split(' | ')
    .map((cell) => cell.trim());

/** The body rows of the n-th table of `text`. */
function table(text: string, n: number): string[][] {
  const tables: string[][] = [];
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) (current ??= []).push(line);
    else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return (tables[n] ?? []).slice(2).map(cellsOf);
}

describe('docs/cortex.md, consistency checker section', () => {
  it('holds exactly what the generator renders (regenerate it after changing the reaction table or the parameters)', () => {
    const page = readFileSync(join(root, CORTEX_DOC_PATH), 'utf8');
    expect(page).toContain(renderConsistencySection());
    expect(spliceConsistencySection(page)).toBe(page);
  });
});

describe('renderConsistencySection', () => {
  const section = renderConsistencySection();

  it('lists every violation, most pressing first, with its parameters and their defaults', () => {
    const rows = table(section, 0);
    expect(rows.map((cells) => cells[0])).toEqual(VIOLATION_KINDS.map((kind) => `\`${kind}\``));
    expect(rows[1]?.[4]).toContain('`consistency.motionWindowMs` 1500 ms');
    expect(rows[3]?.[4]).toContain('`consistency.pushedTurnDeg` 20°');
  });

  it('renders one row per reaction-table row, in table order, with its attempts and amount', () => {
    const rows = table(section, 1);
    expect(rows).toHaveLength(REACTION_TABLE.length);
    REACTION_TABLE.forEach((row, i) => {
      const cells = rows[i]!;
      expect(cells[0]).toBe(`\`${row.violation}\``);
      expect(cells[2]).toBe(`\`${row.reaction}\``);
      if (row.toAttempt === Infinity) expect(cells[1]).toBe(`${row.fromAttempt} and on`);
      if (row.rotateDeg !== undefined) expect(cells[3]).toBe(`${row.rotateDeg}°`);
      if (row.backOffM !== undefined) expect(cells[3]).toBe(`${row.backOffM} m`);
    });
  });

  it('refuses a table that is not well formed', () => {
    const broken: ReactionRow[] = REACTION_TABLE.filter((row) => row.reaction !== 'escalate-and-hold');
    expect(() => renderConsistencySection(broken)).toThrow(ReactionTableError);
  });

  it('replaces only what lies between the markers, and fails on a page without them', () => {
    const page = `# Head\n\nprose\n\n${BEGIN_MARKER}\nstale\n${END_MARKER}\n\ntail\n`;
    const spliced = spliceConsistencySection(page);
    expect(spliced.startsWith('# Head\n\nprose\n\n')).toBe(true);
    expect(spliced.endsWith('\n\ntail\n')).toBe(true);
    expect(spliced).not.toContain('stale');
    expect(() => spliceConsistencySection('# no markers\n')).toThrow(ConsistencyDocError);
  });
});

describe('runGenerator', () => {
  it('--check passes on the committed page and fails on a stale one', () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(runGenerator(['--check'])).toBe(0);
    const out = join(dir, 'stale.md');
    writeFileSync(out, readFileSync(join(root, CORTEX_DOC_PATH), 'utf8').replace('`wedged`', '`stuck`'));
    expect(runGenerator(['--check', '--out', out])).toBe(1);
    vi.restoreAllMocks();
  });
});
