import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { resolveParams } from './param-values.js';
import { loadRuntimeConfigFile, parseRuntimeConfigText } from './runtime-config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadRuntimeConfigFile', () => {
  it('reads params by dotted name, to be resolved over the board file', () => {
    const file = writeConfig(
      'spinal.yaml',
      ['# field overrides for this robot', 'params:', '  reflex.deadmanTimeoutMs: 400', '  robot.id: scout-7', ''].join(
        '\n',
      ),
    );
    const loaded = loadRuntimeConfigFile(file);
    expect(loaded).toEqual({ file, values: { 'reflex.deadmanTimeoutMs': 400, 'robot.id': 'scout-7' } });
    const values = resolveParams({
      board: { file: 'board.yaml', values: { 'reflex.deadmanTimeoutMs': 300 } },
      config: loaded,
    });
    expect(values['reflex.deadmanTimeoutMs']).toBe(400);
    expect(values['robot.id']).toBe('scout-7');
  });

  it('reports a missing file', () => {
    const file = join(dir, 'absent.yaml');
    expect(errorOf(() => loadRuntimeConfigFile(file))).toMatchObject({ file, path: '', problem: 'file not found' });
  });

  it('lets resolveParams name this file when a value is bad', () => {
    const file = writeConfig('bad-value.yaml', 'params:\n  reflex.loopRateHz: 5\n');
    expect(errorOf(() => resolveParams({ config: loadRuntimeConfigFile(file) })).message).toBe(
      `${file}: params.reflex.loopRateHz: 5 Hz is out of range 10..1000 Hz`,
    );
  });
});

describe('parseRuntimeConfigText', () => {
  it('treats an empty file, or params: with every entry commented out, as setting nothing', () => {
    expect(parseRuntimeConfigText('', 'empty.yaml')).toEqual({ file: 'empty.yaml', values: {} });
    expect(parseRuntimeConfigText('# nothing yet\n', 'comments.yaml').values).toEqual({});
    expect(parseRuntimeConfigText('params:\n  # reflex.loopRateHz: 50\n', 'commented.yaml').values).toEqual({});
  });

  it('accepts only params at the top level', () => {
    expect(errorOf(() => parseRuntimeConfigText('params: {}\nreflex:\n  loopRateHz: 50\n', 'x.yaml'))).toMatchObject({
      file: 'x.yaml',
      path: '(top level)',
      problem: 'unknown field(s) "reflex"',
    });
  });

  it('requires params to be a mapping', () => {
    expect(errorOf(() => parseRuntimeConfigText('params: [1, 2]\n', 'x.yaml'))).toMatchObject({
      path: 'params',
      problem: 'expected object, got array',
    });
  });

  it('rejects a document that is not a mapping', () => {
    expect(errorOf(() => parseRuntimeConfigText('- reflex.loopRateHz: 50\n', 'x.yaml'))).toMatchObject({
      path: '(top level)',
      problem: 'expected object, got array',
    });
  });

  it('reports duplicate keys as invalid YAML', () => {
    const error = errorOf(() => parseRuntimeConfigText('params:\n  a: 1\n  a: 2\n', 'dup.yaml'));
    expect(error.file).toBe('dup.yaml');
    expect(error.problem).toMatch(/^invalid YAML: Map keys must be unique/);
  });
});
