import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * What the documentation generators share: Markdown tables padded the way Prettier formats them,
 * and the command line (`--check` fails when the committed page is stale, `--out FILE`).
 */

/** A Markdown table with its columns padded to equal width, the way Prettier formats it. */
export function renderTable(header: string[], rows: string[][]): string[] {
  const escaped = [header, ...rows].map((cells) => cells.map(escapeCell));
  const widths = header.map((_, column) => Math.max(3, ...escaped.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = escaped;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)];
}

/** Inline code. */
export function code(text: string): string {
  return `\`${text}\``;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The package root: the nearest folder above this module holding a `package.json`. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** A page the generator writes, and how it is made. */
export interface GeneratedDoc {
  /** The generator's name, for messages (`gen-config-docs`). */
  name: string;
  /** Where the page lives, relative to the package root. */
  docPath: string;
  /** Renders the page; a thrown Error whose class `knownError` accepts is reported and exits 1. */
  render(): string;
  knownError?: (error: unknown) => boolean;
}

/** Runs a generator with command-line `args`; returns the exit code (0 written or current, 1 stale or failed, 2 usage). */
export function runDocGenerator(doc: GeneratedDoc, args: string[]): number {
  let options: { check: boolean; out: string | undefined };
  try {
    const { values } = parseArgs({
      args,
      options: { check: { type: 'boolean', default: false }, out: { type: 'string' } },
      strict: true,
    });
    options = { check: values.check ?? false, out: values.out };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${doc.name} [--check] [--out FILE]\n`);
    return 2;
  }
  const file = options.out ?? path.join(packageRoot(), doc.docPath);
  let rendered: string;
  try {
    rendered = doc.render();
  } catch (error) {
    if (!doc.knownError?.(error)) throw error;
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (options.check) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === rendered) {
      process.stdout.write(`${file} is up to date\n`);
      return 0;
    }
    process.stderr.write(
      `${file} ${current === undefined ? 'is missing' : 'is out of date'}: run ${doc.name} to regenerate it\n`,
    );
    return 1;
  }
  writeFileSync(file, rendered);
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
