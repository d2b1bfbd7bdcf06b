#!/usr/bin/env node
import { isMainThread } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { VERSION } from './embedded-assets.generated.js';
import { COMMAND_HELP, DEFAULT_DOCTOR_BOARD, EVENTS_HELP, RECORD_HELP, SUPERVISOR_HELP, USAGE } from './help-text.js';
import { EXIT_RUNTIME_FAILURE, EXIT_USAGE, UsageError } from './usage-error.js';

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`spinal ${VERSION}\n`);
    return 0;
  }
  const out = process.stderr;
  if ((command === 'sim' || command === 'run' || command === 'doctor' || command === 'upgrade') && wantsHelp(rest)) {
    process.stdout.write(COMMAND_HELP[command]);
    return 0;
  }
  switch (command) {
    case 'sim': {
      const { values } = parse(rest, {
        scenario: { type: 'string' },
        board: { type: 'string' },
        config: { type: 'string' },
        headless: { type: 'boolean', default: false },
        duration: { type: 'string' },
        speed: { type: 'string' },
        report: { type: 'string' },
        plot: { type: 'string' },
        'robot-processes': { type: 'boolean', default: false },
        pty: { type: 'boolean', default: false },
      });
      const { runSimCommand } = await import('./commands/sim-command.js');
      return runSimCommand({
        scenario: str(values.scenario),
        board: str(values.board),
        config: str(values.config),
        headless: values.headless === true,
        durationS: numberOption('--duration', values.duration, 0.001),
        speed: values.speed === 'max' ? 0 : numberOption('--speed', values.speed, 0),
        report: str(values.report),
        plot: str(values.plot),
        robotProcesses: values['robot-processes'] === true,
        pty: values.pty === true,
        out,
      });
    }
    case 'run': {
      const { values } = parse(rest, { board: { type: 'string' }, config: { type: 'string' } });
      const board = str(values.board);
      if (!board) throw new UsageError('run needs --board FILE (for example board-configs/rpi4-ld06-motorhat.yaml)');
      const { runRunCommand } = await import('./commands/run-command.js');
      return runRunCommand({ board, config: str(values.config), out });
    }
    case 'doctor': {
      const { values } = parse(rest, { board: { type: 'string' }, json: { type: 'boolean', default: false } });
      const json = values.json === true;
      const board = str(values.board);
      const { runDoctorCommand } = await import('./commands/doctor-command.js');
      return runDoctorCommand({
        board: board ?? DEFAULT_DOCTOR_BOARD,
        boardGiven: board !== undefined,
        out: json ? process.stdout : out,
        json,
      });
    }
    case 'map': {
      const [action, ...args] = rest;
      if (action !== 'save') throw new UsageError('map needs "save FILE" (spinal map save FILE [--from HOST:PORT])');
      const [file, ...options] = args;
      if (!file || file.startsWith('-')) throw new UsageError('map save needs a FILE first (the map.yaml to write)');
      const { values } = parse(options, { from: { type: 'string' }, mode: { type: 'string' } });
      const mode = str(values.mode) ?? 'trinary';
      if (mode !== 'trinary' && mode !== 'raw') throw new UsageError(`--mode must be trinary or raw, not "${mode}"`);
      const { runMapSaveCommand } = await import('./commands/map-save-command.js');
      return runMapSaveCommand({ file, from: str(values.from) ?? '127.0.0.1:8080', mode, out });
    }
    case 'upgrade': {
      const { runUpgradeCommand } = await import('./commands/upgrade-command.js');
      return runUpgradeCommand(rest, out);
    }
    case 'supervisor': {
      if (wantsHelp(rest)) {
        process.stdout.write(SUPERVISOR_HELP);
        return 0;
      }
      const { values } = parse(rest, {
        listen: { type: 'string' },
        missions: { type: 'string' },
        store: { type: 'string' },
      });
      const { runSupervisorCommand } = await import('./commands/supervisor-command.js');
      return runSupervisorCommand({
        listen: str(values.listen),
        missions: str(values.missions),
        store: str(values.store),
        out: process.stdout,
        err: process.stderr,
      });
    }
    case 'events': {
      const [sub, ...options] = rest;
      if (sub !== 'export')
        throw new UsageError('events needs a subcommand: events export [--since SEQ|TIME] [--format jsonl]');
      if (wantsHelp(options)) {
        process.stdout.write(EVENTS_HELP);
        return 0;
      }
      const { values } = parse(options, {
        since: { type: 'string' },
        format: { type: 'string' },
        config: { type: 'string' },
      });
      const { runEventsExport } = await import('./commands/events-export-command.js');
      return runEventsExport({
        since: str(values.since),
        format: str(values.format),
        config: str(values.config),
        out: process.stdout,
        err: out,
      });
    }
    case 'record': {
      const [sub, ...options] = rest;
      if (sub !== 'export')
        throw new UsageError(
          'record needs a subcommand: record export --format mcap [--out FILE] [--ledger PATH] [--since TIME] [--until TIME]',
        );
      if (wantsHelp(options)) {
        process.stdout.write(RECORD_HELP);
        return 0;
      }
      const { values } = parse(options, {
        format: { type: 'string' },
        out: { type: 'string' },
        ledger: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        config: { type: 'string' },
      });
      const { runRecordExport } = await import('./commands/record-export-command.js');
      return runRecordExport({
        format: str(values.format),
        out: str(values.out),
        ledger: str(values.ledger),
        since: str(values.since),
        until: str(values.until),
        config: str(values.config),
        err: out,
      });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: boolean }>;

/** `--help` or `-h` among a command's arguments (before a `--`). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Parses a command's options strictly: an unknown, malformed or repeated option is a UsageError. */
export function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined> } {
  const parsed = (() => {
    try {
      return parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  return { values: parsed.values };
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOption(name: string, value: string | boolean | undefined, min: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number >= ${min}, got "${value}"`);
  return n;
}

if (isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`spinal: configuration error: ${error.message}\n`);
        process.exit(EXIT_USAGE);
      }
      if (error instanceof UsageError) {
        process.stderr.write(`spinal: ${error.message}\nRun "spinal --help" for usage.\n`);
        process.exit(EXIT_USAGE);
      }
      process.stderr.write(`spinal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(EXIT_RUNTIME_FAILURE);
    },
  );
}
