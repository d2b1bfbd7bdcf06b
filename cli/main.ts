#!/usr/bin/env node
import { isMainThread, MessagePort, parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { runCommsWorker, type CommsPort, type CortexChannel } from '../comms/comms-worker.js';
import type { CortexToMain } from '../cortex/cortex-thread-protocol.js';
import { runCortexWorker, type CortexPort } from '../cortex/cortex-worker.js';
import type { CortexToComms } from '../messages/cortex-comms-protocol.js';
import type { LedgerSettings } from '../comms/ledger/ledger-settings.js';
import type { UplinkSettings } from '../comms/uplink/uplink-settings.js';
import { runWorldWorker, type WorldParentPort } from '../simulator/world-worker.js';
import type { WorldWorkerData } from '../simulator/world-thread-protocol.js';
import { runDoctorCommand } from './commands/doctor-command.js';
import { runRunCommand } from './commands/run-command.js';
import { runSimCommand } from './commands/sim-command.js';
import { runEventsExport } from './commands/events-export-command.js';
import { runSupervisorCommand } from './commands/supervisor-command.js';
import { VERSION } from './embedded-assets.generated.js';
import { COMMAND_HELP, DEFAULT_DOCTOR_BOARD, EVENTS_HELP, SUPERVISOR_HELP, USAGE } from './help-text.js';
import { setThreadEntry, type ThreadRole } from './thread-launcher.js';
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
  if ((command === 'sim' || command === 'run' || command === 'doctor') && wantsHelp(rest)) {
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
        pty: { type: 'boolean', default: false },
      });
      return runSimCommand({
        scenario: str(values.scenario),
        board: str(values.board),
        config: str(values.config),
        headless: values.headless === true,
        durationS: numberOption('--duration', values.duration, 0.001),
        speed: values.speed === 'max' ? 0 : numberOption('--speed', values.speed, 0),
        report: str(values.report),
        pty: values.pty === true,
        out,
      });
    }
    case 'run': {
      const { values } = parse(rest, { board: { type: 'string' }, config: { type: 'string' } });
      const board = str(values.board);
      if (!board) throw new UsageError('run needs --board FILE (for example board-configs/rpi4-ld06-motorhat.yaml)');
      return runRunCommand({ board, config: str(values.config), out });
    }
    case 'doctor': {
      const { values } = parse(rest, { board: { type: 'string' }, json: { type: 'boolean', default: false } });
      const json = values.json === true;
      const board = str(values.board);
      return runDoctorCommand({
        board: board ?? DEFAULT_DOCTOR_BOARD,
        boardGiven: board !== undefined,
        out: json ? process.stdout : out,
        json,
      });
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
      return runSupervisorCommand({
        listen: str(values.listen),
        missions: str(values.missions),
        store: str(values.store),
        out: process.stdout,
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
      return runEventsExport({
        since: str(values.since),
        format: str(values.format),
        config: str(values.config),
        out: process.stdout,
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

/**
 * Planner and comms threads run at a lower scheduling priority than the main thread (on Linux a
 * thread's nice value is its own): under CPU contention the reflex is served first.
 */
const BACKGROUND_NICE = 10;

/** The port to the thread's peer (cortex ↔ comms), when the launcher gave one. */
function peerPort(data: Record<string, unknown>): MessagePort | null {
  return data.peer instanceof MessagePort ? data.peer : null;
}

/** Starts the body of a worker thread according to its role. */
function runThread(): void {
  const data = workerData as { role: ThreadRole } & Record<string, unknown>;
  const port = parentPort;
  if (!port) return;
  if (data.role === 'cortex' || data.role === 'comms') {
    try {
      setPriority(BACKGROUND_NICE);
    } catch {
      // Not permitted here (some containers): the threads run at the default priority.
    }
  }
  switch (data.role) {
    case 'cortex':
      runCortexWorker(port as unknown as CortexPort<CortexToMain>, peerPort(data) as CortexPort<CortexToComms> | null);
      return;
    case 'comms':
      runCommsWorker(
        port as unknown as CommsPort,
        {
          listen: String(data.listen),
          token: String(data.token ?? ''),
          readToken: String(data.readToken ?? ''),
          allowedHosts: Array.isArray(data.allowedHosts) ? data.allowedHosts.map(String) : [],
          clock: data.clock === 'virtual' ? 'virtual' : 'real',
          startUs: typeof data.startUs === 'number' ? data.startUs : 0,
          ...(data.ledger ? { ledger: data.ledger as LedgerSettings } : {}),
          ...(typeof data.bootId === 'string' ? { bootId: data.bootId } : {}),
          ...(data.uplink ? { uplink: data.uplink as UplinkSettings } : {}),
          version: VERSION,
        },
        undefined,
        peerPort(data) as CortexChannel | null,
      );
      return;
    case 'world':
      void runWorldWorker(
        port as unknown as WorldParentPort,
        data.world as WorldWorkerData,
        data.ports as Record<string, MessagePort>,
      );
      return;
  }
}

setThreadEntry(new URL(import.meta.url));
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
} else {
  runThread();
}
