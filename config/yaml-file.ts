import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodType, ZodTypeDef } from 'zod';
import { ConfigError, formatFieldPath } from './config-error.js';

/**
 * Parses YAML text; a syntax error becomes a ConfigError naming the file, line and column, and an
 * alias to no anchor (or an alias bomb) one naming the file.
 */
export function parseYamlText(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const where = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    const at = where ? `line ${where.line}, column ${where.col}` : 'syntax';
    throw new ConfigError(file, at, `invalid YAML: ${first.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // An alias to no anchor, or aliases expanding beyond maxAliasCount: the parser reports these only here.
    throw new ConfigError(file, '', `invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Reads and parses a YAML file; a missing or unreadable file is a ConfigError too. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ENOENT') throw new ConfigError(file, '', 'file not found');
    if (code === 'EACCES') throw new ConfigError(file, '', 'permission denied');
    if (code === 'EISDIR') throw new ConfigError(file, '', 'is a directory, not a file');
    throw new ConfigError(file, '', `cannot be read: ${String(cause)}`);
  }
  return parseYamlText(text, file);
}

/**
 * Validates `value` against `schema`; the first problem becomes a ConfigError naming the field,
 * e.g. `board-configs/x.yaml: devices[2].bus: Required`.
 */
export function validateConfig<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  value: unknown,
  file: string,
  basePath: ReadonlyArray<string | number> = [],
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ConfigError(file, formatFieldPath(basePath), 'invalid');
  const path = formatFieldPath([...basePath, ...issue.path]);
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') problem = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue.code === 'invalid_type' && issue.received === 'undefined') problem = 'is required';
  else if (issue.code === 'invalid_type') problem = `expected ${issue.expected}, got ${issue.received}`;
  throw new ConfigError(file, path || '(top level)', problem);
}
