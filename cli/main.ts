#!/usr/bin/env node
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { runCommsWorker, type CommsPort } from '../comms/comms-worker.js';
import { runCortexWorker, type CortexPort } from '../cortex/cortex-worker.js';
import { runWorldWorker, type WorldParentPort } from '../simulator/world-worker.js';
import type { WorldWorkerData } from '../simulator/world-thread-protocol.js';
import { runDoctorCommand } from './commands/doctor-command.js';
import { runRunCommand } from './commands/run-command.js';
import { runSimCommand } from './commands/sim-command.js';
import { VERSION } from './embedded-assets.generated.js';
import { setThreadEntry, type ThreadRole } from './thread-launcher.js';
import { EXIT_RUNTIME_FAILURE, EXIT_USAGE, UsageError } from './usage-error.js';

const USAGE = `spinal ${VERSION}: the on-robot runtime

Usage:
  spinal run --board FILE [--config FILE]      run on a robot's hardware
  spinal sim [--scenario FILE|NAME] [--headless] [--duration S] [--speed X]
             [--report FILE] [--board FILE] [--config FILE] [--pty]
                                               run against the hardware simulator
  spinal doctor [--board FILE] [--json]        check a board's devices, groups, GPIO numbering and I2C
  spinal --version | --help

sim: without --headless it runs until Ctrl-C with a live status line and the debug port
(default http://127.0.0.1:8080). --headless runs --duration seconds of sim time (default: the
scenario's) as fast as possible unless --speed is given (--speed 0 = as fast as possible).
--pty attaches each simulated serial device to a pseudo-terminal (needs socat) and reads it
through the real serialport binding. Shipped scenarios: default, wall-ahead, lidar-unplug. Parameters: docs/configuration.md; each can be set with
SPINAL_<NAME>, e.g. SPINAL_DEBUG_LISTEN=127.0.0.1:0.

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
`;

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
      return runDoctorCommand({
        board: str(values.board) ?? 'rpi4-ld06-motorhat',
        out: json ? process.stdout : out,
        json,
      });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: boolean }>;

function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
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
      runCortexWorker(port as unknown as CortexPort);
      return;
    case 'comms':
      runCommsWorker(port as unknown as CommsPort, {
        listen: String(data.listen),
        token: String(data.token ?? ''),
        readToken: String(data.readToken ?? ''),
        allowedHosts: Array.isArray(data.allowedHosts) ? data.allowedHosts.map(String) : [],
      });
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
