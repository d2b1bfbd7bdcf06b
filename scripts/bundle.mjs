/**
 * Bundles the CLI into one self-contained CommonJS file, `bundle/spinal.cjs`, that a board runs with
 * plain `node` (20 or newer). The worker threads start from the same file (the runtime passes
 * `workerData.role`), so nothing else needs to be copied next to it.
 *
 *     node scripts/bundle.mjs [--entry FILE] [--outfile FILE]
 *
 * The native addons and their loaders stay external: they are loaded lazily, only by the real-hardware
 * transport backends, and must be installed on the board next to the bundle when those backends are used.
 * better-sqlite3's JavaScript is bundled; its addon (`better_sqlite3.node`, which every run needs for
 * the ledger) is loaded from `SPINAL_SQLITE_ADDON` (see `comms/ledger/sqlite-driver.ts`).
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Native addons and the loaders that find their compiled binaries; resolved at run time on the board. */
export const NATIVE_EXTERNALS = Object.freeze([
  'serialport',
  '@serialport/*',
  'i2c-bus',
  'onoff',
  'epoll',
  'bindings',
  'node-gyp-build',
]);

/**
 * @typedef {object} BundleOptions
 * @property {string} [entry] Entry module (default `cli/main.ts`, relative to the repository root).
 * @property {string} [outfile] Output file (default `bundle/spinal.cjs`).
 *
 * @typedef {object} BundleResult
 * @property {string} outfile Absolute path of the written bundle.
 * @property {number} sizeBytes
 * @property {string[]} warnings esbuild warnings, formatted.
 */

/**
 * Builds the bundle and makes it executable.
 *
 * @param {BundleOptions} [options]
 * @returns {Promise<BundleResult>}
 */
export async function bundle(options = {}) {
  const entry = path.resolve(repoRoot, options.entry ?? 'cli/main.ts');
  const outfile = path.resolve(repoRoot, options.outfile ?? 'bundle/spinal.cjs');
  // esbuild keeps an entry's own hashbang; a second one from the banner would be a syntax error.
  if (!existsSync(entry)) throw new Error(`entry not found: ${entry}`);
  const entryHasHashbang = readFileSync(entry, 'utf8').startsWith('#!');
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...NATIVE_EXTERNALS],
    // CommonJS has no `import.meta`: point it at the bundle file itself.
    define: {
      'import.meta.url': 'importMetaUrl',
      'import.meta.filename': '__filename',
      'import.meta.dirname': '__dirname',
    },
    inject: [path.join(repoRoot, 'scripts', 'import-meta-url-shim.js')],
    banner: entryHasHashbang ? {} : { js: '#!/usr/bin/env node' },
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  chmodSync(outfile, 0o755);
  return {
    outfile,
    sizeBytes: statSync(outfile).size,
    warnings: result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { entry: { type: 'string' }, outfile: { type: 'string' } },
  });
  try {
    const { outfile, sizeBytes, warnings } = await bundle(values);
    for (const w of warnings) console.warn(`warning: ${w}`);
    const sizeKiB = (sizeBytes / 1024).toFixed(1);
    const shown = outfile.startsWith(repoRoot + path.sep) ? path.relative(repoRoot, outfile) : outfile;
    console.log(`bundle: ${shown} ${sizeKiB} KiB (${sizeBytes} bytes)`);
  } catch (error) {
    const buildErrors = error?.errors ?? [];
    for (const e of buildErrors) {
      console.error(`error: ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    }
    if (buildErrors.length === 0) console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await main();
