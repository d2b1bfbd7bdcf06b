#!/usr/bin/env node
// Generates the TypeScript of the wire schema: comms/proto/spinal/v1/*.proto -> comms/proto/generated/,
// with protoc (Debian: protobuf-compiler) and the ts-proto plugin from node_modules.
// `--check` exits 1 when the committed files differ from what the .proto files give.
// See docs/architecture.md, "Schemas".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(root, 'comms', 'proto');
const target = join(protoRoot, 'generated');
const plugin = join(root, 'node_modules', '.bin', 'protoc-gen-ts_proto');

/** ts-proto options, each for a reason. */
const TS_PROTO_OPTIONS = [
  // ESM on Node: `import x from` for CommonJS packages, `.js` on relative imports.
  'esModuleInterop=true',
  'importSuffix=.js',
  // `*.generated.ts`: the repository's mark for generated files (skipped by eslint and prettier).
  'fileSuffix=.generated',
  // A oneof is a discriminated union `{ $case, value }`, so a switch over it is checked for exhaustiveness.
  'oneof=unions-value',
  // The Uplink service as a @grpc/grpc-js service definition with server and client types.
  'outputServices=grpc-js',
  'env=node',
  // 64-bit integers (sequence numbers, microsecond times) as numbers; decoding throws beyond 2^53.
  'forceLong=number',
  // Binary only: the wire is protobuf, and JSON views are made from the in-process types.
  'outputJsonMethods=false',
  // No helper types exported from every file under the same names.
  'exportCommonSymbols=false',
  // `MissionState.ACTIVE`, not `MissionState.MISSION_STATE_ACTIVE`.
  'removeEnumPrefix=true',
  // Decoded messages carry `$type`, so tests can tell which message an object is.
  'outputTypeAnnotations=optional',
];

/** The `.proto` files, relative to comms/proto, sorted so the output does not depend on directory order. */
function protoFiles(dir = join(protoRoot, 'spinal')) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...protoFiles(full));
    else if (entry.name.endsWith('.proto')) files.push(relative(protoRoot, full).split('\\').join('/'));
  }
  return files.sort();
}

/** Every file below `dir` as `relative path -> text`. */
function readTree(dir) {
  const tree = new Map();
  if (!existsSync(dir)) return tree;
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else tree.set(relative(dir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return tree;
}

/** Thrown for a problem that ends the run: its message is printed, no stack trace. */
class GenerationError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Fails on a proto3 `optional` label, which the protoc inside Debian's python3-grpc-tools (used by the
 * interoperability test) is too old to read: presence is written as a oneof of one field instead. */
function checkNoOptionalLabels(files) {
  for (const file of files) {
    const lines = readFileSync(join(protoRoot, file), 'utf8').split('\n');
    const at = lines.findIndex((line) => /^\s*optional\s/.test(line));
    if (at >= 0) {
      throw new GenerationError(`${file}:${at + 1}: no \`optional\` label; give presence with a oneof of one field`, 2);
    }
  }
}

/** Runs protoc with the ts-proto plugin and returns the generated files as `relative path -> text`. */
function generate(files) {
  if (!existsSync(plugin)) throw new GenerationError(`${relative(root, plugin)} is missing: run \`npm ci\``, 2);
  const out = mkdtempSync(join(tmpdir(), 'spinal-proto-'));
  try {
    const protoc = spawnSync(
      'protoc',
      [
        `--plugin=protoc-gen-ts_proto=${plugin}`,
        `--proto_path=${protoRoot}`,
        `--ts_proto_out=${out}`,
        `--ts_proto_opt=${TS_PROTO_OPTIONS.join(',')}`,
        ...files,
      ],
      { encoding: 'utf8' },
    );
    if (protoc.error) {
      throw new GenerationError('protoc not found: install it (Debian: `apt-get install protobuf-compiler`)', 2);
    }
    if (protoc.status !== 0) throw new GenerationError(`protoc failed:\n${protoc.stderr}`, 1);
    // The header names the protoc release that ran; leave it out so any protoc gives the same files.
    return new Map([...readTree(out)].map(([path, text]) => [path, text.replace(/^\/\/ {3}protoc {2,}v.*\n/m, '')]));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function main() {
  const files = protoFiles();
  checkNoOptionalLabels(files);
  const generated = generate(files);
  if (process.argv.includes('--check')) {
    const committed = readTree(target);
    const stale = [...new Set([...generated.keys(), ...committed.keys()])]
      .filter((path) => generated.get(path) !== committed.get(path))
      .sort();
    if (stale.length > 0) {
      throw new GenerationError(
        `comms/proto/generated is out of date (${stale.join(', ')}): run \`node scripts/gen-proto.mjs\``,
        1,
      );
    }
    console.log(`generated protobuf code up to date (${generated.size} files from ${files.length} .proto files)`);
    return;
  }
  rmSync(target, { recursive: true, force: true });
  for (const [path, text] of generated) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
  }
  console.log(`wrote ${generated.size} files to ${relative(root, target)}`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof GenerationError)) throw error;
  console.error(`gen-proto: ${error.message}`);
  process.exitCode = error.exitCode;
}
