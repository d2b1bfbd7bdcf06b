import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputFile } from './output-paths.js';
import { UsageError } from './usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkOutputFile', () => {
  it('accepts a new file in an existing directory', () => {
    expect(() => checkOutputFile('--report', join(dir, 'report.json'))).not.toThrow();
  });

  it('refuses a directory, a missing directory and a file under a file, naming the option', () => {
    expect(() => checkOutputFile('--report', dir)).toThrow(UsageError);
    expect(() => checkOutputFile('--report', dir)).toThrow(/--report .* is a directory/);
    expect(() => checkOutputFile('--report', join(dir, 'nope', 'r.json'))).toThrow(/does not exist/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory this user may not write', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(() => checkOutputFile('--report', join(locked, 'r.json'))).toThrow(/may not be written/);
  });
});
