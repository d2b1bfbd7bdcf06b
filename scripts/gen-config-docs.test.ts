import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { envNameOf } from '../config/param-values.js';
import { paramList } from '../config/params.js';
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc, runGenerator } from './gen-config-docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spinal-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/configuration.md', () => {
  it('is exactly what the generator renders (regenerate it after changing config/params.ts)', () => {
    expect(readFileSync(join(root, CONFIGURATION_DOC_PATH), 'utf8')).toBe(renderConfigurationDoc());
  });
});

describe('renderConfigurationDoc', () => {
  const doc = renderConfigurationDoc();
  const tableLines = doc.split('\n').filter((line) => line.startsWith('|'));
  const cellsOf = (line: string) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
  const rows = tableLines.slice(2).map(cellsOf);
  const rowOf = (name: string) => rows.find((cells) => cells[0] === `\`${name}\``);

  it('has a header and one row per parameter, in definition order, with its environment variable', () => {
    expect(cellsOf(tableLines[0] ?? '')).toEqual([
      'Name',
      'Environment variable',
      'Type',
      'Unit',
      'Range',
      'Default',
      'Run time',
      'Description',
    ]);
    expect(rows.map((cells) => cells.slice(0, 2))).toEqual(
      paramList.map((definition) => [`\`${definition.name}\``, `\`${envNameOf(definition.name)}\``]),
    );
  });

  it('pads every table line to the same width', () => {
    expect(new Set(tableLines.map((line) => line.length)).size).toBe(1);
  });

  it('gives type, unit, range and default', () => {
    expect(rowOf('reflex.deadmanTimeoutMs')).toEqual([
      '`reflex.deadmanTimeoutMs`',
      '`SPINAL_REFLEX_DEADMAN_TIMEOUT_MS`',
      'number',
      'ms',
      '20..5000',
      '`500`',
      '—',
      'The reflex stops the motors when no fresh drive command has arrived for this long.',
    ]);
    expect(rowOf('robot.id')?.slice(2, 6)).toEqual([
      'string',
      '—',
      'pattern `^[a-z0-9][a-z0-9-]{0,62}$`',
      '`"robot-1"`',
    ]);
    expect(rowOf('debug.listen')?.slice(4, 6)).toEqual(['host:port', '`"127.0.0.1:8080"`']);
    expect(rowOf('reflex.brakingDecelMps2')?.slice(2, 6)).toEqual(['number', 'm/s²', '0.1..10', '`1`']);
  });

  it('marks the parameters that may change while the robot runs, and only those', () => {
    expect(rowOf('reflex.maxSpeedMps')?.[6]).toBe('yes');
    expect(rowOf('debug.listen')?.[6]).toBe('—');
    expect(rows.filter((cells) => cells[6] === 'yes').map((cells) => cells[0])).toEqual(
      paramList.filter((definition) => definition.tunable).map((definition) => `\`${definition.name}\``),
    );
    expect(doc).toContain('### Changing values while the robot runs');
  });

  it('marks secrets', () => {
    expect(rowOf('debug.token')?.[7]).toMatch(/^\*\*Secret\*\*, shown as `\*\*\*`\. /);
    expect(rows.filter((cells) => cells[7]?.includes('**Secret**'))).toHaveLength(
      paramList.filter((definition) => definition.secret).length,
    );
  });

  it('explains precedence, environment names and both file formats', () => {
    expect(doc).toContain('1. its environment variable, `SPINAL_<NAME>`;');
    expect(doc).toContain('`reflex.deadmanTimeoutMs` is\n`SPINAL_REFLEX_DEADMAN_TIMEOUT_MS`');
    expect(doc).toContain('### The `--config` file');
    expect(doc).toContain('### Board files');
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
    expect(readFileSync(out, 'utf8')).toBe(renderConfigurationDoc());
    vi.restoreAllMocks();
  });

  it('--check passes when the file matches and fails when it differs or is missing', () => {
    quiet();
    const out = join(dir, 'checked.md');
    writeFileSync(out, renderConfigurationDoc());
    expect(runGenerator(['--check', '--out', out])).toBe(0);
    writeFileSync(out, `${renderConfigurationDoc()}edited by hand\n`);
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
