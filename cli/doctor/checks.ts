import type { BoardConfig } from '../../config/board-schema.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { checkAddressCollisions } from './address-collisions.js';
import { checkBoardModels } from './board-models.js';
import { busesInUse } from './board-usage.js';
import { checkDeviceFiles, deviceFilesInUse } from './device-files.js';
import { readBoardModel, type DoctorHost } from './doctor-host.js';
import type { Finding } from './finding.js';
import { checkGpioNumbering, inspectGpio } from './gpio-numbering.js';
import { checkGroups } from './groups.js';
import { checkI2cScan } from './i2c-scan.js';
import { checkSerialConsole } from './serial-console.js';

export interface DoctorInput {
  board: BoardConfig;
  /** The board config's file, for messages that name a field. */
  file: string;
  registry: DeviceRegistry;
  host: DoctorHost;
}

/** What the doctor found, and about which machine. */
export interface DoctorResult {
  /** The board's model from the device tree, when it has one (`Raspberry Pi 5 Model B Rev 1.0`). */
  boardModel: string | undefined;
  findings: Finding[];
}

/**
 * Every check, in report order: the board config (a ConfigError is thrown, as `spinal run` would),
 * device files, permissions and groups, serial consoles, GPIO numbering, I2C address collisions, and
 * which I2C addresses answer.
 */
export async function runDoctorChecks(input: DoctorInput): Promise<DoctorResult> {
  const { board, file, host } = input;
  const findings: Finding[] = [checkBoardModels(board, file, input.registry)];
  const boardModel = await readBoardModel(host);
  const uses = busesInUse(board);
  const gpio = uses.some((use) => use.bus.kind === 'gpio') ? await inspectGpio(host) : undefined;
  const files = await checkDeviceFiles(deviceFilesInUse(uses, gpio), file, host, boardModel);
  findings.push(...files.findings);
  findings.push(...(await checkGroups(files.present, host)));
  findings.push(...(await checkSerialConsole(uses, host, boardModel)));
  if (gpio) findings.push(...checkGpioNumbering(uses, file, gpio));
  findings.push(...checkAddressCollisions(uses, file));
  findings.push(...(await checkI2cScan(uses, files.present, file, host)));
  return { boardModel, findings };
}
