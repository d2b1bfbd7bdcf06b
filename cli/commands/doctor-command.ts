import createDebug from 'debug';
import { createBuiltinRegistry } from '../../hal/builtin-models.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { loadBoard } from '../config-sources.js';
import { runDoctorChecks } from '../doctor/checks.js';
import { localDoctorHost, type DoctorHost } from '../doctor/doctor-host.js';
import { blocksRun, formatDoctorJson, formatDoctorReport } from '../doctor/report.js';
import { ConfigError } from '../../config/config-error.js';
import { EXIT_OK, EXIT_RUNTIME_FAILURE, EXIT_USAGE } from '../usage-error.js';

const log = createDebug('spinal:cli:doctor');

export interface DoctorOptions {
  /** Board config: a path, or the name of a shipped one. */
  board: string;
  /** False when `board` is the default because no `--board` was given: the report says which it checks. Default true. */
  boardGiven?: boolean;
  /** Where the report goes. */
  out: { write(text: string): unknown };
  /** Print the findings as JSON instead of text. Default false. */
  json?: boolean;
  /** The machine to check. Default: this one ({@link localDoctorHost}). */
  host?: DoctorHost;
  /** Device models the board may name. Default: the built-in ones. */
  registry?: DeviceRegistry;
}

/**
 * `spinal doctor`: checks that the board config is valid and that this machine can run it: device
 * files, groups, serial consoles, GPIO numbering, I2C addresses. Prints each finding in plain words
 * with its fix. Exit 0 when nothing blocks `spinal run`, 1 when something does; a board config error
 * is thrown as a ConfigError (exit 2), as `spinal run` would.
 */
export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  if (options.boardGiven === false && !options.json) {
    options.out.write(`spinal doctor: no --board given, checking the shipped board ${options.board}\n`);
  }
  let loaded: ReturnType<typeof loadBoard>;
  try {
    loaded = loadBoard(options.board);
  } catch (error) {
    if (!(options.json && error instanceof ConfigError)) throw error;
    options.out.write(`${JSON.stringify(configErrorJson(error, options), null, 2)}\n`);
    return EXIT_USAGE;
  }
  const { board, file } = loaded;
  const host = options.host ?? localDoctorHost();
  const result = await runDoctorChecks({ board, file, registry: options.registry ?? createBuiltinRegistry(), host });
  const context = { file, user: host.user.name, boardGiven: options.boardGiven !== false };
  options.out.write(options.json ? formatDoctorJson(result, context) : formatDoctorReport(result, context));
  const blocked = blocksRun(result.findings);
  log('%d findings, %s', result.findings.length, blocked ? 'blocked' : 'clear');
  return blocked ? EXIT_RUNTIME_FAILURE : EXIT_OK;
}

/** A board config error as `--json` reports it: `{file, boardGiven, blocksRun, configError: {file, path, message}}`. */
function configErrorJson(error: ConfigError, options: DoctorOptions): unknown {
  return {
    file: error.file,
    boardGiven: options.boardGiven !== false,
    blocksRun: true,
    configError: { file: error.file, path: error.path, problem: error.problem, message: error.message },
  };
}
