/**
 * Bundles the CLI into one self-contained CommonJS file, `bundle/spinal.cjs`, that a board runs with
 * plain `node` (20 or newer). Each worker thread has its own bundle, carried inside the main one as
 * code (cli/thread-sources.ts is replaced by that code), so a thread loads only its own modules and
 * nothing else needs to be copied next to the file.
 *
 *     node scripts/bundle.mjs [--entry FILE] [--outfile FILE]
 *
 * The native addons and their loaders stay external: they are loaded lazily, only by the real-hardware
 * transport backends, and must be installed on the board next to the bundle when those backends are used.
 * For the single executable (`sea: true`, scripts/binary/build-binary.mjs) they are bundled instead, and
 * their loaders replaced by the embedded-addon loader.
 * Either way better-sqlite3's JavaScript is bundled; its addon (`better_sqlite3.node`, which every run needs for
 * the ledger) is loaded from `SPINAL_SQLITE_ADDON` (see `comms/ledger/sqlite-driver.ts`).
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { NATIVE_ADDONS, NATIVE_MANIFEST_ASSET, nativeAddonAsset } from './binary/native-addons.mjs';

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

/** The worker threads, each with its entry (cli/thread-sources.ts names the same files). */
const THREAD_ENTRIES = Object.freeze({
  cortex: 'cli/threads/cortex-thread.ts',
  comms: 'cli/threads/comms-thread.ts',
  world: 'cli/threads/world-thread.ts',
});

/**
 * @typedef {object} BundleOptions
 * @property {string} [entry] Entry module (default `cli/main.ts`, relative to the repository root).
 * @property {string} [outfile] Output file (default `bundle/spinal.cjs`).
 * @property {boolean} [sea] Bundle for the single executable: native addons inside. Default false.
 *
 * @typedef {object} BundleResult
 * @property {string} outfile Absolute path of the written bundle.
 * @property {number} sizeBytes
 * @property {Record<string, number>} threadSizesBytes Each worker thread's bundled code.
 * @property {Record<string, string>} threadCodes Each worker thread's bundled code (with `sea`, the executable's
 *   assets named by {@link threadAsset}).
 * @property {string[]} warnings esbuild warnings, formatted.
 */

/** Options common to every bundle. */
function commonOptions(sea) {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: sea ? [] : [...NATIVE_EXTERNALS],
    sourcemap: false,
    // The executable's code is kept as source by every thread that runs it: whitespace, syntax and
    // local identifiers minified, the names of functions and classes kept so that stack traces still read.
    minifyWhitespace: sea,
    minifySyntax: sea,
    minifyIdentifiers: sea,
    keepNames: sea,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: sea ? [embeddedNativeAddons()] : [],
  };
}

/**
 * Routes each native addon package's loader (`bindings`, `node-gyp-build`) to the embedded-addon
 * loader, naming the addon and its assets.
 */
function embeddedNativeAddons() {
  const loader = path.join(repoRoot, 'cli', 'binary', 'native-addon-loader.ts');
  return {
    name: 'spinal-embedded-native-addons',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(bindings|node-gyp-build)$/ }, (args) => {
        const addon = NATIVE_ADDONS.find(
          (a) =>
            a.loader === args.path &&
            args.importer.includes(`${path.sep}node_modules${path.sep}${a.package}${path.sep}`),
        );
        if (!addon) return { errors: [{ text: `${args.importer} loads a native addon that is not in NATIVE_ADDONS` }] };
        return { path: addon.name, namespace: 'spinal-native-addon' };
      });
      esbuild.onLoad({ filter: /.*/, namespace: 'spinal-native-addon' }, (args) => ({
        contents:
          `const { loadNativeAddon } = require(${JSON.stringify(loader)});\n` +
          `const assets = ${JSON.stringify({ binary: nativeAddonAsset(args.path), manifest: NATIVE_MANIFEST_ASSET })};\n` +
          `module.exports = () => loadNativeAddon(${JSON.stringify(args.path)}, assets);\n`,
        resolveDir: repoRoot,
        loader: 'js',
      }));
    },
  };
}

/** The single executable's asset holding the bundled code of thread `role`. */
export function threadAsset(role) {
  return `threads/${role}.cjs`;
}

/**
 * Replaces cli/thread-sources.ts with one that returns each thread's bundled code. In the single
 * executable that code is an asset the thread reads itself (a few bytes of code start it), so the
 * main thread never holds the other threads' code as strings.
 */
function bundledThreadSources(codes, sea) {
  const contents = sea
    ? 'export function threadSource(role) {\n' +
      '  const asset = JSON.stringify(`threads/${role}.cjs`);\n' +
      "  return { code: `require('node:vm').runInThisContext(require('node:sea').getAsset(${asset}, 'utf8'), { filename: ${asset} });` };\n" +
      '}\n'
    : `const codes = ${JSON.stringify(codes)};\nexport function threadSource(role) { return { code: codes[role] }; }\n`;
  return {
    name: 'spinal-bundled-thread-sources',
    setup(esbuild) {
      esbuild.onLoad({ filter: /[\\/]cli[\\/]thread-sources\.ts$/ }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** Bundles one worker thread's entry; returns its code. */
async function bundleThread(entry, sea, warnings) {
  const result = await build({ ...commonOptions(sea), entryPoints: [path.join(repoRoot, entry)], write: false });
  warnings.push(...result.warnings);
  return result.outputFiles[0].text;
}

/**
 * Builds the bundle and makes it executable.
 *
 * @param {BundleOptions} [options]
 * @returns {Promise<BundleResult>}
 */
export async function bundle(options = {}) {
  const sea = options.sea === true;
  const entry = path.resolve(repoRoot, options.entry ?? 'cli/main.ts');
  const outfile = path.resolve(repoRoot, options.outfile ?? 'bundle/spinal.cjs');
  // esbuild keeps an entry's own hashbang; a second one from the banner would be a syntax error.
  if (!existsSync(entry)) throw new Error(`entry not found: ${entry}`);
  const entryHasHashbang = readFileSync(entry, 'utf8').startsWith('#!');
  const warnings = [];
  const codes = {};
  for (const [role, threadEntry] of Object.entries(THREAD_ENTRIES))
    codes[role] = await bundleThread(threadEntry, sea, warnings);
  const common = commonOptions(sea);
  const result = await build({
    ...common,
    entryPoints: [entry],
    outfile,
    // CommonJS has no `import.meta`: point it at the bundle file itself.
    define: {
      'import.meta.url': 'importMetaUrl',
      'import.meta.filename': '__filename',
      'import.meta.dirname': '__dirname',
    },
    inject: [path.join(repoRoot, 'scripts', 'import-meta-url-shim.js')],
    banner: entryHasHashbang ? {} : { js: '#!/usr/bin/env node' },
    plugins: [...common.plugins, bundledThreadSources(codes, sea)],
  });
  warnings.push(...result.warnings);
  chmodSync(outfile, 0o755);
  return {
    outfile,
    sizeBytes: statSync(outfile).size,
    threadSizesBytes: Object.fromEntries(Object.entries(codes).map(([role, code]) => [role, Buffer.byteLength(code)])),
    threadCodes: codes,
    warnings: warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { entry: { type: 'string' }, outfile: { type: 'string' } },
  });
  try {
    const { outfile, sizeBytes, threadSizesBytes, warnings } = await bundle(values);
    for (const w of warnings) console.warn(`warning: ${w}`);
    const sizeKiB = (sizeBytes / 1024).toFixed(1);
    const shown = outfile.startsWith(repoRoot + path.sep) ? path.relative(repoRoot, outfile) : outfile;
    const threads = Object.entries(threadSizesBytes)
      .map(([role, bytes]) => `${role} ${(bytes / 1024).toFixed(1)} KiB`)
      .join(', ');
    console.log(`bundle: ${shown} ${sizeKiB} KiB (${sizeBytes} bytes; threads inside: ${threads})`);
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
