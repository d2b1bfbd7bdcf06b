import createDebug from 'debug';
import { createBuiltinRegistry } from '../../hal/builtin-models.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { loadBoard } from '../config-sources.js';
import { runDoctorChecks } from '../doctor/checks.js';
import { localDoctorHost, type DoctorHost } from '../doctor/doctor-host.js';
import { blocksRun, formatDoctorJson, formatDoctorReport } from '../doctor/report.js';
import { EXIT_OK, EXIT_RUNTIME_FAILURE } from '../usage-error.js';

const log = createDebug('spinal:cli:doctor');

export interface DoctorOptions {
  /** Board config: a path, or the name of a shipped one. */
  board: string;
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
  const { board, file } = loadBoard(options.board);
  const host = options.host ?? localDoctorHost();
  const result = await runDoctorChecks({ board, file, registry: options.registry ?? createBuiltinRegistry(), host });
  const context = { file, user: host.user.name };
  options.out.write(options.json ? formatDoctorJson(result, context) : formatDoctorReport(result, context));
  const blocked = blocksRun(result.findings);
  log('%d findings, %s', result.findings.length, blocked ? 'blocked' : 'clear');
  return blocked ? EXIT_RUNTIME_FAILURE : EXIT_OK;
}
