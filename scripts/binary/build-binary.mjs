#!/usr/bin/env node
/**
 * `npm run build:binary`: the single executables `dist/spinal-linux-x64` and `dist/spinal-linux-arm64`.
 * Each is the target's Node 24 (scripts/binary/node-dist.mjs, stripped of its symbols) with a
 * single-executable blob injected by `postject`: the bundle (scripts/bundle.mjs, worker threads
 * inside) and the native addons built for that target against that Node's headers, with their
 * SHA-256 manifest. The blob is made by the target's own Node (arm64 under qemu-user-static).
 *
 *     node scripts/binary/build-binary.mjs [--arch x64|arm64]...   (default: both)
 *
 * Intermediate files go to `.cache/binary/` and are reused between runs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle, threadAsset } from '../bundle.mjs';
import { buildNativeAddons } from './build-native-addons.mjs';
import { NATIVE_MANIFEST_ASSET, nativeAddonAsset } from './native-addons.mjs';
import { NODE_VERSION, TARGETS, nodeDist } from './node-dist.mjs';
import { targetCommand } from './target-runner.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = path.join(repoRoot, '.cache', 'binary');

/** Node's fixed marker that postject flips to say a blob is present (doc/api/single-executable-applications.md). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * V8 options baked into the executable: small young-generation semi-spaces and an old-generation
 * cap keep each thread's heap, and so the idle footprint on a small board, small;
 * `--optimize-for-size` makes V8 favour memory over speed where it has the choice (smaller heap
 * growth steps, a more eager memory reducer), some 3 MB less in each of the robot's three threads
 * at rest (docs/benchmarks.md, with the reflex measured under the same options).
 */
export const EXEC_ARGV = Object.freeze(['--max-semi-space-size=1', '--max-old-space-size=256', '--optimize-for-size']);

function log(line) {
  console.error(`build:binary: ${line}`);
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Builds one target's executable from the bundle; returns its path. */
function buildTarget(arch, bundleFile, threadCodes) {
  const nodeDir = nodeDist(arch, cacheDir);
  const addons = buildNativeAddons({ repoRoot, cacheDir, arch, nodeDir, log });
  const work = path.join(cacheDir, `sea-linux-${arch}`);
  mkdirSync(work, { recursive: true });
  const manifestFile = path.join(work, 'native-manifest.json');
  const manifest = Object.fromEntries(Object.entries(addons).map(([name, file]) => [name, sha256(file)]));
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const threadAssets = {};
  for (const [role, code] of Object.entries(threadCodes)) {
    const file = path.join(work, `thread-${role}.cjs`);
    writeFileSync(file, code);
    threadAssets[threadAsset(role)] = file;
  }
  const blob = path.join(work, 'sea.blob');
  const config = {
    main: bundleFile,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: true,
    execArgv: [...EXEC_ARGV],
    assets: {
      [NATIVE_MANIFEST_ASSET]: manifestFile,
      ...threadAssets,
      ...Object.fromEntries(Object.entries(addons).map(([name, file]) => [nativeAddonAsset(name), file])),
    },
  };
  const configFile = path.join(work, 'sea-config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const [command, prefix] = targetCommand(arch, path.join(nodeDir, 'bin', 'node'));
  // The code cache is made under the options the executable runs with (V8 rejects a cache made under others).
  execFileSync(command, [...prefix, ...EXEC_ARGV, '--experimental-sea-config', configFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const out = path.join(repoRoot, 'dist', `spinal-linux-${arch}`);
  const partial = `${out}.partial`;
  mkdirSync(path.dirname(out), { recursive: true });
  copyFileSync(path.join(nodeDir, 'bin', 'node'), partial);
  chmodSync(partial, 0o755);
  // The debug info and symbol table (18 MB) are of no use on a robot; the SEA fuse and the code are untouched.
  execFileSync(TARGETS[arch].strip, ['--strip-all', partial]);
  const postject = createRequire(path.join(repoRoot, 'package.json')).resolve('postject/dist/cli.js');
  execFileSync(process.execPath, [postject, partial, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  renameSync(partial, out);
  return out;
}

async function main() {
  const { values } = parseArgs({ options: { arch: { type: 'string', multiple: true } } });
  const arches = values.arch ?? Object.keys(TARGETS);
  for (const arch of arches) if (!(arch in TARGETS)) throw new Error(`unknown --arch ${arch} (x64 or arm64)`);
  const bundleFile = path.join(cacheDir, 'spinal-sea.cjs');
  const { warnings, threadCodes } = await bundle({ outfile: bundleFile, sea: true });
  for (const w of warnings) log(`warning: ${w}`);
  for (const arch of arches) {
    const started = Date.now();
    const out = buildTarget(arch, bundleFile, threadCodes);
    const mb = (statSync(out).size / 1e6).toFixed(1);
    log(
      `${path.relative(repoRoot, out)}: ${mb} MB, Node ${NODE_VERSION}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

try {
  await main();
} catch (error) {
  console.error(`build:binary: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
