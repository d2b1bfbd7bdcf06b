import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ACTION_SEVERITY, REFLEX_RULES } from '../reflex/arbiter.js';
import { FAILSAFE_COMPARISON } from '../reflex/failsafe-comparison.js';
import {
  SAFETY_DOC_PATH,
  SafetyDocError,
  renderSafetyDoc,
  runGenerator,
  type DocumentedRule,
} from './gen-safety-docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spinal-safety-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cellsOf = (line: string) =>
  line
    .slice(1, -1)
    .split(' | ')
    .map((cell) => cell.trim());

/** The rows of the table under `heading` (header and separator left out). */
function tableUnder(doc: string, heading: string): string[][] {
  const section = doc.slice(doc.indexOf(heading));
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const table: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    table.push(line);
  }
  return table.slice(2).map(cellsOf);
}

/** A rule as an older rule table has it: no `params`, no `latched`. */
const bareRule: DocumentedRule = {
  id: 'deadman',
  trigger: 'no drive command within reflex.deadmanTimeoutMs',
  action: 'stop',
  clears: 'a fresh command',
  clearHoldUs: () => 0,
};

describe('docs/safety.md', () => {
  it('is exactly what the generator renders (regenerate it after changing the rules, the comparison or the params)', () => {
    expect(readFileSync(join(root, SAFETY_DOC_PATH), 'utf8')).toBe(renderSafetyDoc());
  });

  it('has a PX4 and an ArduPilot Rover entry for every reflex rule', () => {
    const missing = REFLEX_RULES.map((rule) => rule.id).filter((id) => !Object.hasOwn(FAILSAFE_COMPARISON, id));
    expect(missing).toEqual([]);
    for (const rule of REFLEX_RULES) {
      const entry = FAILSAFE_COMPARISON[rule.id];
      expect(entry?.px4.length, `${rule.id}: px4`).toBeGreaterThan(10);
      expect(entry?.ardupilot.length, `${rule.id}: ardupilot`).toBeGreaterThan(10);
    }
  });

  it('keeps the comparison free of characters that would break a table cell', () => {
    for (const [id, entry] of Object.entries(FAILSAFE_COMPARISON)) {
      expect(`${entry.px4}${entry.ardupilot}`, id).not.toMatch(/[|\n]/);
    }
  });
});

describe('renderSafetyDoc', () => {
  const doc = renderSafetyDoc();
  const matrix = tableUnder(doc, '## Failsafe matrix');

  it('lists every rule once, in rule-table order, with its trigger, action and counterparts', () => {
    expect(matrix.map((cells) => cells[0])).toEqual(REFLEX_RULES.map((rule) => `\`${rule.id}\``));
    for (const [i, rule] of REFLEX_RULES.entries()) {
      const cells = matrix[i] ?? [];
      expect(cells).toHaveLength(7);
      expect(cells[2]).toContain(`\`${rule.action}\``);
      expect(cells[5]).toBe(FAILSAFE_COMPARISON[rule.id]?.px4.replace(/\s+/g, ' '));
      expect(cells[6]).toBe(FAILSAFE_COMPARISON[rule.id]?.ardupilot.replace(/\s+/g, ' '));
    }
  });

  it('pads every line of a table to the same width', () => {
    const widths = (heading: string) => {
      const section = doc.slice(doc.indexOf(heading)).split('\n');
      const start = section.findIndex((line) => line.startsWith('|'));
      const lines: string[] = [];
      for (const line of section.slice(start)) {
        if (!line.startsWith('|')) break;
        lines.push(line);
      }
      return new Set(lines.map((line) => line.length));
    };
    expect(widths('## Failsafe matrix').size).toBe(1);
    expect(widths('## Actions').size).toBe(1);
  });

  it('orders the actions by severity, from none to a latched estop', () => {
    const actions = tableUnder(doc, '## Actions').map((cells) => [cells[0], cells[1]]);
    expect(actions).toEqual(
      Object.entries(ACTION_SEVERITY)
        .sort(([, a], [, b]) => a - b)
        .map(([action, severity]) => [`\`${action}\``, String(severity)]),
    );
    expect(actions.map(([action]) => action)).toEqual(['`none`', '`limit`', '`slow`', '`stop`', '`estop`']);
  });

  it('explains the three override levels and what happens when the uplink or the planner is lost', () => {
    expect(doc).toMatch(/1\. \*\*Safety\.\*\*[\s\S]*2\. \*\*Swarm\.\*\*[\s\S]*3\. \*\*Mission\.\*\*/);
    expect(doc).toContain('keeps executing its last valid mission');
    expect(doc).toContain('When the reflex loses its planner (no fresh command), it stops.');
  });

  it('notes placement and timing: main thread, per-packet reaction, periodic loop, black box', () => {
    for (const note of ['**Main thread.**', '**Per-packet reaction.**', '**Periodic loop.**', '**Black box.**']) {
      expect(doc).toContain(note);
    }
    expect(doc).toContain('`reflex.loopRateHz` (default 100 Hz, every 10 ms)');
  });

  it('shows the parameters a rule lists with their defaults and units', () => {
    const doc = renderSafetyDoc(
      [{ ...bareRule, params: ['reflex.deadmanTimeoutMs', 'reflex.stopMarginM'] }],
      FAILSAFE_COMPARISON,
    );
    const [cells] = tableUnder(doc, '## Failsafe matrix');
    expect(cells?.[4]).toBe('`reflex.deadmanTimeoutMs` 500 ms; `reflex.stopMarginM` 0.1 m');
  });

  it('falls back to the parameters named in the trigger and clearing when a rule lists none', () => {
    const doc = renderSafetyDoc([bareRule], FAILSAFE_COMPARISON);
    const [cells] = tableUnder(doc, '## Failsafe matrix');
    expect(cells?.[1]).toBe('no drive command within `reflex.deadmanTimeoutMs`');
    expect(cells?.[4]).toBe('`reflex.deadmanTimeoutMs` 500 ms');
  });

  it('marks latched rules and gives the clear hold at the defaults', () => {
    const doc = renderSafetyDoc(
      [
        { ...bareRule, id: 'estop-input', action: 'estop', clears: 'an explicit reset', latched: true, params: [] },
        { ...bareRule, id: 'obstacle', clears: 'path clear for reflex.clearHoldMs', clearHoldUs: (s) => s.clearHoldUs },
      ],
      FAILSAFE_COMPARISON,
    );
    const [estop, obstacle] = tableUnder(doc, '## Failsafe matrix');
    expect(estop?.[2]).toBe('`estop`, latched');
    expect(estop?.[4]).toBe('—');
    expect(obstacle?.[2]).toBe('`stop`');
    expect(obstacle?.[3]).toBe('path clear for `reflex.clearHoldMs`. Clear hold with the defaults: 300 ms');
  });

  it('fails loudly, naming the rule, when a rule has no comparison entry', () => {
    expect(() => renderSafetyDoc([{ ...bareRule, id: 'teleport-guard' }], FAILSAFE_COMPARISON)).toThrow(SafetyDocError);
    expect(() => renderSafetyDoc([{ ...bareRule, id: 'teleport-guard' }], FAILSAFE_COMPARISON)).toThrow(
      /"teleport-guard" has no entry in reflex\/failsafe-comparison\.ts/,
    );
  });

  it('fails loudly when a rule lists a parameter that is not defined', () => {
    expect(() => renderSafetyDoc([{ ...bareRule, params: ['reflex.warpFactor'] }], FAILSAFE_COMPARISON)).toThrow(
      /"deadman" lists parameter "reflex\.warpFactor"/,
    );
  });
});

describe('runGenerator', () => {
  const quiet = () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  };

  it('writes the page to --out', () => {
    quiet();
    const out = join(dir, 'written.md');
    expect(runGenerator(['--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(renderSafetyDoc());
    vi.restoreAllMocks();
  });

  it('--check passes when the file matches and fails when it differs or is missing', () => {
    quiet();
    const out = join(dir, 'checked.md');
    writeFileSync(out, renderSafetyDoc());
    expect(runGenerator(['--check', '--out', out])).toBe(0);
    writeFileSync(out, `${renderSafetyDoc()}edited by hand\n`);
    expect(runGenerator(['--check', '--out', out])).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('edited by hand');
    expect(runGenerator(['--check', '--out', join(dir, 'absent.md')])).toBe(1);
    vi.restoreAllMocks();
  });

  it('--check passes on the committed page', () => {
    quiet();
    expect(runGenerator(['--check'])).toBe(0);
    vi.restoreAllMocks();
  });

  it('rejects unknown arguments with exit code 2', () => {
    quiet();
    expect(runGenerator(['--frobnicate'])).toBe(2);
    vi.restoreAllMocks();
  });
});
