/**
 * Writes `docs/configuration.md` from the parameter definitions in `config/params.ts`, so the page
 * cannot drift from the code. Runs from the build output:
 *
 *     node dist/scripts/gen-config-docs.js [--check] [--out FILE]
 *
 * `--check` writes nothing and exits 1 when the file differs from what would be written (for CI);
 * `--out` writes elsewhere (default: `docs/configuration.md` in the package root).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { code, renderTable, runDocGenerator } from './generated-doc.js';
import { envNameOf, rangeText } from '../config/param-values.js';
import { paramList, type ParamDefinition } from '../config/params.js';

/** Path of the generated page inside the package. */
export const CONFIGURATION_DOC_PATH = 'docs/configuration.md';

/** The whole `docs/configuration.md` page: how values are resolved, then one table row per parameter. */
export function renderConfigurationDoc(): string {
  const example = paramList.find((definition) => definition.name === 'reflex.deadmanTimeoutMs') ?? paramList[0];
  const exampleName = example?.name ?? 'reflex.deadmanTimeoutMs';
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from config/params.ts by scripts/gen-config-docs.ts: change the definitions there and',
    '     regenerate this page; CI fails when it differs (`--check`). -->',
    '',
    'Every runtime parameter is defined once, with its type, unit, range and default. Values are checked',
    'when spinal starts: an unknown name or a bad value stops it with exit code 2 and a message that names',
    'the file (or `environment`) and the field, for example:',
    '',
    '```text',
    'board-configs/x.yaml: params.reflex.deadmanTimeoutMs: 9000 ms is out of range 20..5000 ms',
    '```',
    '',
    '## How a value is chosen',
    '',
    'Each parameter takes the value from the highest of these that sets it:',
    '',
    '1. its environment variable, `SPINAL_<NAME>`;',
    '2. the `--config FILE` given to `spinal run`;',
    "3. the board file's `params:` (`spinal run --board board-configs/<board>.yaml`);",
    '4. its default (below).',
    '',
    '### Environment variables',
    '',
    `The variable is \`SPINAL_\` followed by the name in upper snake case: \`${exampleName}\` is`,
    `\`${envNameOf(exampleName)}\`. Values are text, read according to the parameter's type: numbers in`,
    'decimal (`500`, `0.25`, `1e3`), integers without a fraction, booleans as `true` / `false` (`1` / `0`,',
    '`yes` / `no` and `on` / `off` work too), strings as written. A `SPINAL_` variable shaped like a',
    'parameter but naming none is ignored, with a warning at start that suggests the closest name;',
    '`spinal run` refuses to start (exit 2) when that closest name is a safety (`reflex.*`) parameter.',
    '',
    '### The `--config` file',
    '',
    'A YAML file holding only `params:`, a mapping from dotted parameter names to values:',
    '',
    '```yaml',
    'params:',
    '  reflex.deadmanTimeoutMs: 400',
    '  robot.id: scout-7',
    '```',
    '',
    'Write names in full (`reflex.deadmanTimeoutMs: 400`), not as nested mappings. An empty file sets',
    'nothing.',
    '',
    '### Board files',
    '',
    'A board file (`board-configs/*.yaml`) may carry the same `params:` mapping, for values that belong to',
    'that robot build:',
    '',
    '```yaml',
    'params:',
    '  reflex.maxSpeedMps: 0.4',
    '```',
    '',
    '### What the board can deliver',
    '',
    "Values legal one by one are still refused (exit 2) when together they promise motion the board's",
    'drive cannot deliver; the message names both fields:',
    '',
    "- `reflex.maxSpeedMps` above the board's `robot.maxWheelSpeedMps` (the wheels' speed at full duty);",
    "- `reflex.brakingDecelMps2` above the board's `robot.stopDecelMps2`, the deceleration its drive",
    '  achieves when the reflex stops it (a RoboClaw coasts at duty 0, an H-bridge short-brakes: see',
    '  `docs/safety.md`, "Braking"). Measure it on the robot and write it in the board file.',
    '',
    '### Secrets',
    '',
    'Secret parameters are never printed or logged: wherever values are listed they show as `***`. Set',
    'them through the environment rather than a file where you can. `debug.token` is required whenever',
    '`debug.listen` is reachable from other machines (anything but `localhost`, `127.x.x.x`, `[::1]` or',
    '`[::ffff:127.x.x.x]`; see `docs/security.md`).',
    '',
    '### Changing values while the robot runs',
    '',
    'Parameters marked **yes** under _Run time_ below may be changed while the robot runs, by a config',
    'update from the fleet supervisor (`docs/uplink.md`, "Config updates"): the reflex\'s speed limits,',
    "margins and thresholds, the planner's and path follower's values, and the uplink's telemetry rate.",
    'The thread that uses one takes the new value between two of its steps; the update is acknowledged',
    'accepted once it is in force, recorded in the ledger as a `config-change` event, and',
    '`GET /api/v1/status` shows the values in force under `config` with the version of the update that set',
    'them. Every other parameter is fixed from start to stop (device paths, loop rates, addresses, what sizes',
    'memory): an update naming one is refused. A value changed at run time lasts until the robot stops; the',
    'next start reads the files and the environment again.',
    '',
    '## Parameters',
    '',
    ...renderTable(
      ['Name', 'Environment variable', 'Type', 'Unit', 'Range', 'Default', 'Run time', 'Description'],
      paramList.map(rowCells),
    ),
    '',
  ];
  return lines.join('\n');
}

function rowCells(definition: ParamDefinition): string[] {
  return [
    code(definition.name),
    code(envNameOf(definition.name)),
    definition.type,
    definition.unit || '—',
    rangeCell(definition),
    typeof definition.default === 'string'
      ? code(JSON.stringify(definition.default))
      : code(String(definition.default)),
    definition.tunable ? 'yes' : '—',
    definition.secret ? `**Secret**, shown as \`***\`. ${definition.description}` : definition.description,
  ];
}

function rangeCell(definition: ParamDefinition): string {
  switch (definition.type) {
    case 'number':
    case 'integer':
      return rangeText({ ...definition, unit: '' });
    case 'string':
      return definition.format?.summary ?? '—';
    case 'boolean':
      return '`true` / `false`';
  }
}

/** Runs the generator with command-line `args`; returns the exit code. */
export function runGenerator(args: string[]): number {
  return runDocGenerator(
    { name: 'gen-config-docs', docPath: CONFIGURATION_DOC_PATH, render: () => renderConfigurationDoc() },
    args,
  );
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  process.exitCode = runGenerator(process.argv.slice(2));
}
